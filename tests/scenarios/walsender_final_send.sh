# A fast shutdown of a primary whose walsender is parked at
# walsender.before_final_send (after the shutdown checkpoint, before it
# sends the last WAL): the shutdown waits for it, and completes once it is
# woken; the standby then replays the shutdown checkpoint.
. "$PMTEST"
pm_node p
pm_start p
pm_node s --standby-of p
pm_start s
pm_wait p walsender_state state=streaming app=s
pm_fault p arm walsender.before_final_send wait
pm_mark p
pm_stop p fast --no-wait
pm_wait p fault_hit point=walsender.before_final_send action=wait
checkpoint=$(pm_field "$(pm_wait p checkpoint_done kind=shutdown)" lsn)
pm_ps p | grep -q 'FaultPoint:walsender.before_final_send' || pm_fail "pmctl ps does not show the parked walsender"
pm_expect p 'no postmaster_exit after shutdown_request'
pm_fault p wakeup walsender.before_final_send
pm_wait p postmaster_exit code=0
pm_expect p 'checkpoint_done kind=shutdown before fault_hit point=walsender.before_final_send'
pm_wait_replayed_past s "$checkpoint"
