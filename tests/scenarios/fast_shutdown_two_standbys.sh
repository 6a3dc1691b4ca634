# A fast shutdown of a primary with two streaming standbys: each walsender
# reaches `stopping` before the shutdown checkpoint (no WAL may follow it)
# and exits only after it, having sent it: both standbys replay the
# shutdown checkpoint record.
. "$PMTEST"
pm_node p
pm_start p
for s in s1 s2; do
  pm_node $s --standby-of p
  pm_start $s
done
ws1=$(pm_field "$(pm_wait p walsender_state state=streaming app=s1)" pid)
ws2=$(pm_field "$(pm_wait p walsender_state state=streaming app=s2)" pid)
pm_sql p "INSERT INTO kv VALUES ('before', 'shutdown')"
pm_stop p fast
checkpoint=$(pm_field "$(pm_wait p checkpoint_done kind=shutdown)" lsn)
for ws in $ws1 $ws2; do
  pm_expect p "walsender_state pid=$ws state=stopping before checkpoint_done kind=shutdown" \
              "checkpoint_done kind=shutdown before exit child_pid=$ws"
done
pm_expect p 'count exit crash=true = 0' 'count postmaster_exit code=0 = 1'
for s in s1 s2; do
  pm_wait_replayed_past $s "$checkpoint"
  pm_assert_eq shutdown "$(pm_sql $s "SELECT v FROM kv WHERE k = 'before'")" "the row on $s"
done
