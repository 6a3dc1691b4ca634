# kill -9 of each auxiliary kind: the checkpointer and a walsender on the
# primary, the walreceiver and the startup process (in redo, as a standby
# always is) on the standby. Each is a crash: its exit says crash=true, the
# postmaster reinitialises and is ready again, and the standby streams
# again afterwards and has every row.
. "$PMTEST"
pm_node p -c wal_retrieve_retry_interval=100ms
pm_start p
pm_node s --standby-of p -c wal_retrieve_retry_interval=100ms
pm_start s
pm_wait p walsender_state state=streaming app=s

crash() {  # NODE ROLE GEN: kill -9 of ROLE, then the crash restart into generation GEN
  local node=$1 role=$2 gen=$3
  pm_mark "$node"
  pm_kill "$node" "$role" KILL
  pm_wait "$node" exit child_type="$role" signal=SIGKILL crash=true
  pm_wait "$node" reinit gen="$gen"
  pm_wait "$node" ready gen="$gen"
}

pm_mark p
crash p checkpointer 1
pm_wait p walsender_state state=streaming app=s
crash p walsender 2
pm_wait p walsender_state state=streaming app=s
pm_sql p "INSERT INTO kv VALUES ('primary', 'two crashes')"

pm_wait s walreceiver_state status=streaming
crash s walreceiver 1
pm_wait s walreceiver_state status=streaming
crash s startup 2
pm_wait s walreceiver_state status=streaming
pm_wait_catchup p s
pm_assert_eq 'two crashes' "$(pm_sql s "SELECT v FROM kv WHERE k = 'primary'")" "the row on the standby"
pm_expect p 'count reinit = 2' 'count exit crash=true = 2'
pm_expect s 'count reinit = 2' 'count exit crash=true = 2'
