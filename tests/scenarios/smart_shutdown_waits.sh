# A smart shutdown waits for an open session: meanwhile a new connection is
# refused (57P03, shutting down), a base backup that was in progress goes on
# and completes, and the server stops only once the session has left. A
# replication connection is not a session it waits for (PostgreSQL 15): a
# backup still running when the last session leaves is ended at the
# shutdown checkpoint.
. "$PMTEST"
pm_node p
pm_start p
pm_sql p "INSERT INTO kv VALUES ('k', 'v')"

# pg_basebackup writes its tar to a pipe nobody reads until the gate opens,
# so its walsender stays in the backup state.
gate=$PMTEST_TMP/gate
mkfifo "$gate"
backup() {
  set -o pipefail
  pg_basebackup -h 127.0.0.1 -p "$(pm_port p)" -X fetch -Ft -D - -c fast |
    { read -r _ < "$gate"; cat > /dev/null; }
}
backup &
backup_job=$!
backup_event=$(pm_wait p walsender_state state=backup)
walsender=$(grep -o '"pid":[0-9]*' <<< "$backup_event" | cut -d: -f2)

pm_session_open p s
pm_mark p
pm_stop p smart --no-wait
pm_wait p shutdown_request mode=smart
pm_sql_fails p "SELECT 1" 57P03 "the database system is shutting down"
echo go > "$gate"
wait "$backup_job"
pm_assert_eq 0 "$?" "pg_basebackup's exit status while the smart shutdown waited"
pm_wait p exit child_pid="$walsender" code=0
pm_expect p 'no state to=PM_STOP_BACKENDS after shutdown_request'
pm_session_send s "SELECT 1"
pm_session_expect s ok
pm_session_close s
pm_wait p postmaster_exit code=0
pm_expect p "shutdown_request before exit child_pid=$walsender" \
  "exit child_pid=$walsender before state from=PM_RUN to=PM_STOP_BACKENDS" \
  'checkpoint_done kind=shutdown before postmaster_exit'

# Again with no session: the backup does not hold the shutdown.
pm_start p
pm_mark p
backup &
backup_job=$!
pm_wait p walsender_state state=backup
pm_stop p smart
echo go > "$gate"
wait "$backup_job" && pm_fail "pg_basebackup succeeded across the shutdown"
pm_wait p checkpoint_done kind=shutdown
