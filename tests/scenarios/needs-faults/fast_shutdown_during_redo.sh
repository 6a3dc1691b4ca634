# A fast shutdown while the startup process is in redo, parked at
# startup.mid_redo: the postmaster tells it to stop, and once it is woken it
# does; no shutdown checkpoint is made (recovery never finished) and the
# next start runs the same redo again, losing nothing.
# Needs fault points (the fault_points setting, pmctl fault wakeup).
. "$PMTEST"
pm_node p
pm_start p
for i in 1 2 3; do pm_sql p "INSERT INTO kv VALUES ('row$i', '$i')"; done
pm_stop p immediate
pm_set p fault_points 'startup.mid_redo:wait:times=1'
pm_mark p
pm_start p --no-wait
pm_wait p fault_hit point=startup.mid_redo action=wait
pm_ps p | grep -q 'FaultPoint:startup.mid_redo' || pm_fail "pmctl ps does not show the parked startup process"
pm_stop p fast --no-wait
pm_wait p signal to_type=startup sig=SIGTERM why='fast shutdown'
pm_fault p wakeup startup.mid_redo
pm_wait p postmaster_exit code=0
pm_expect p 'no checkpoint_start kind=shutdown after fault_hit point=startup.mid_redo' \
  'no ready after fault_hit point=startup.mid_redo'
pm_set p fault_points ''
pm_mark p
pm_start p
pm_wait p redo_start
pm_assert_eq 3 "$(pm_sql p "SELECT count(*) FROM kv")" "rows after the interrupted redo"
