# Promotion under write load: pgbench writes to the primary until it stops,
# standby s1 is promoted to timeline 2 and takes pgbench's writes at once,
# and standby s2, re-pointed at s1 by a reload, follows it onto timeline 2
# and ends with every row s1 has.
. "$PMTEST"
pm_node p
pm_start p
for s in s1 s2; do
  pm_node $s --standby-of p -c wal_retrieve_retry_interval=100ms
  pm_start $s
  pm_wait p walsender_state state=streaming app=$s
done
script=$PMTEST_TMP/insert.sql
printf '%s\n' '\set k random(1, 9000000000000000000)' "INSERT INTO kv VALUES (:k, 'v');" > "$script"
load() {  # NODE SECONDS: pgbench's INSERTs; prints the transactions it counted
  pgbench -h 127.0.0.1 -p "$(pm_port "$1")" -n -M simple -c 4 -j 2 -T "$2" -f "$script" postgres 2>&1 |
    sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p'
}

load p 30 > /dev/null &
on_p=$!
pm_mark p
pm_wait p fork child_type='client backend'
pm_stop p fast            # pgbench loses its sessions here
wait "$on_p"
pm_promote s1
pm_wait s1 promote tli=2
load s1 3 > "$PMTEST_TMP/s1.count" &
on_s1=$!
pm_mark s2
pm_set s2 primary_conninfo "host=127.0.0.1 port=$(pm_port s1) user=$(id -un) application_name=s2"
pm_reload s2
pm_wait s2 walreceiver_state status=streaming tli=2
wait "$on_s1"
[ "$(cat "$PMTEST_TMP/s1.count")" -gt 0 ] || pm_fail "pgbench committed nothing on the promoted s1"
pm_wait_catchup s1 s2
pm_assert_eq "$(pm_sql s1 "SELECT count(*) FROM kv")" "$(pm_sql s2 "SELECT count(*) FROM kv")" "rows on s2 as on s1"
pm_expect s1 'count promote = 1' 'redo_done before promote' 'promote before checkpoint_done kind=end-of-recovery'
