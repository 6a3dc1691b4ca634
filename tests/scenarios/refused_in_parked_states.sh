# The refusals of the states a script reaches only by parking a process at a
# fault point: crash recovery in redo (PM_RECOVERY, not consistent yet) and
# the shutdown checkpoint (PM_SHUTDOWN).
. "$PMTEST"
pm_node p
pm_start p
pm_sql p "INSERT INTO kv VALUES ('k', 'v')"
pm_stop p immediate
pm_set p fault_points 'startup.mid_redo:wait:times=1'
pm_mark p
pm_start p --no-wait
pm_wait p fault_hit point=startup.mid_redo
pm_wait p state to=PM_RECOVERY
pm_sql_fails p "SELECT 1" 57P03 "the database system is not yet accepting connections"
pm_fault p wakeup startup.mid_redo
pm_wait p ready

pm_fault p arm checkpointer.before_shutdown_checkpoint wait
pm_stop p fast --no-wait
pm_wait p fault_hit point=checkpointer.before_shutdown_checkpoint
pm_wait p state to=PM_SHUTDOWN
pm_sql_fails p "SELECT 1" 57P03 "the database system is shutting down"
pm_fault p wakeup checkpointer.before_shutdown_checkpoint
pm_wait p postmaster_exit code=0
pm_expect p 'count refused sqlstate=57P03 = 2'
