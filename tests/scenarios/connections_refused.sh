# A connection attempted in each state a script can reach without a fault
# point gets its exact refusal, and the refusing process says so in a
# `refused` event. (PM_RECOVERY before consistency and the shutdown
# checkpoint need a fault point: needs-faults/refused_in_parked_states.sh.)
. "$PMTEST"
pm_node p -c pmemu_startup_delay_for_test=2000 -c max_connections=2 -c superuser_reserved_connections=0
pm_start p --no-wait
pm_wait p fork child_type=startup
pm_sql_fails p "SELECT 1" 57P03 "the database system is starting up"
pm_wait p refused sqlstate=57P03 reason='the database system is starting up'
pm_wait p ready

pm_session_open p s1
pm_session_open p s2
pm_sql_fails p "SELECT 1" 53300 "sorry, too many clients already"
pm_session_close s1

pm_mark p
pm_kill p "$(pm_session_pid s2)" KILL
pm_wait p reinit
pm_sql_fails p "SELECT 1" 57P03 "the database system is in recovery mode"
pm_wait p ready
pm_session_close s2

pm_node s --standby-of p -c hot_standby=off
pm_start s
pm_sql_fails s "SELECT 1" 57P03 "the database system is not accepting connections"
pm_wait s refused sqlstate=57P03 reason='the database system is not accepting connections'
pm_stop s

pm_session_open p idle
pm_mark p
pm_stop p smart --no-wait
pm_wait p shutdown_request mode=smart
pm_sql_fails p "SELECT 1" 57P03 "the database system is shutting down"
pm_session_close idle
pm_wait p postmaster_exit code=0
pm_expect p 'count refused sqlstate=53300 = 1' 'count refused sqlstate=57P03 = 3'
