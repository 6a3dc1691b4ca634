# kill -9 of the postmaster while a backend is kept alive (stopped, so it
# cannot notice): every other child exits by itself, a new start is refused
# because the old shared memory is still in use, and succeeds once the last
# old process is gone; the committed row is there.
. "$PMTEST"
pm_node p
pm_start p
pm_sql p "INSERT INTO kv VALUES ('kept', 'yes')"
pm_session_open p frozen
frozen=$(pm_session_pid frozen)
pm_kill p "$frozen" STOP
others=$(pm_pids p | grep -vx "$frozen")
pm_kill p postmaster KILL
pm_wait_gone $others
pm_start_fails p "pre-existing shared memory block"
pm_start_fails p "is still in use"
kill -KILL "$frozen"
pm_wait_gone "$frozen"
pm_start p
pm_assert_eq yes "$(pm_sql p "SELECT v FROM kv WHERE k = 'kept'")" "the committed row"
pm_expect p 'count postmaster_start = 2'
