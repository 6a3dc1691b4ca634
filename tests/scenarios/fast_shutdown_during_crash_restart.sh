# A fast shutdown that arrives while the server is in a crash restart (the
# new startup process has not begun redo): the startup process is told to
# stop, the server exits 0 without becoming ready again and without a
# shutdown checkpoint (recovery never finished), and the next start runs
# crash recovery and finds every committed row.
. "$PMTEST"
pm_node p -c pmemu_startup_delay_for_test=1500
pm_start p
pm_sql p "INSERT INTO kv VALUES ('k', 'committed')"
pm_session_open p victim
pm_mark p
pm_kill p "$(pm_session_pid victim)" KILL
pm_wait p reinit
pm_wait p fork child_type=startup gen=1
pm_stop p fast
pm_wait p postmaster_exit code=0
pm_expect p 'count ready = 1' \
  'shutdown_request mode=fast before signal to_type=startup sig=SIGTERM' \
  'no fork child_type=startup after shutdown_request' \
  'no checkpoint_start kind=shutdown after reinit'
pm_mark p
pm_start p
pm_wait p redo_start
pm_assert_eq committed "$(pm_sql p "SELECT v FROM kv WHERE k = 'k'")" "the committed row after the restart"
