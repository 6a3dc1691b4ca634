# An immediate shutdown of a primary with two standbys: every child gets
# SIGQUIT, no shutdown checkpoint is written, the postmaster still exits 0,
# and the next start runs crash recovery; the standbys, left running,
# stream from it again and see a row written after the restart.
. "$PMTEST"
pm_node p -c wal_retrieve_retry_interval=100ms
pm_start p
for s in s1 s2; do
  pm_node $s --standby-of p -c wal_retrieve_retry_interval=100ms
  pm_start $s
  pm_wait p walsender_state state=streaming app=$s
done
pm_sql p "INSERT INTO kv VALUES ('committed', 'before')"
pm_stop p immediate
pm_expect p 'count checkpoint_start kind=shutdown = 0' 'count checkpoint_done kind=shutdown = 0' \
  "signal to_type=walsender sig=SIGQUIT why='immediate shutdown' before postmaster_exit code=0"
pm_mark p
pm_start p
pm_wait p redo_start
pm_wait p checkpoint_done kind=end-of-recovery
pm_assert_eq before "$(pm_sql p "SELECT v FROM kv WHERE k = 'committed'")" "the committed row after crash recovery"
pm_sql p "INSERT INTO kv VALUES ('written', 'after')"
for s in s1 s2; do
  pm_wait p walsender_state state=streaming app=$s
  pm_wait_catchup p $s
  pm_assert_eq after "$(pm_sql $s "SELECT v FROM kv WHERE k = 'written'")" "the new row on $s"
done
