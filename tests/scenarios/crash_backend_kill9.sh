# kill -9 of a backend while one session is idle and another is mid-statement:
# both lose their session (57P02 or the connection), the postmaster records
# the exit with crash=true, waits for every old process to exit, then
# reinitialises and is ready again; committed rows survive; a second crash
# restart works as the first.
. "$PMTEST"
pm_node p
pm_start p
for round in 1 2; do
  pm_sql p "INSERT INTO kv VALUES ('row$round', '$round')"
  pm_session_open p idle
  pm_session_open p busy
  pm_session_open p victim
  pm_session_send busy "SELECT pg_sleep(300)"
  pm_session_wait_active busy
  pm_mark p
  victim=$(pm_session_pid victim)
  pm_kill p "$victim" KILL
  pm_wait p exit child_pid="$victim" signal=SIGKILL crash=true
  pm_wait p reinit gen="$round"
  pm_wait p ready gen="$round"
  pm_session_expect idle '57P02|lost'
  pm_session_expect busy '57P02|lost'
  for s in idle busy; do
    pm_expect p "exit child_pid=$(pm_session_pid $s) before reinit gen=$round"
  done
  for s in idle busy victim; do pm_session_close $s; done
  pm_assert_eq "$round" "$(pm_sql p "SELECT count(*) FROM kv")" "rows committed before crash $round"
done
pm_expect p 'count reinit = 2' 'exit crash=true before reinit' 'no fork child_type=checkpointer gen=0 after reinit'
