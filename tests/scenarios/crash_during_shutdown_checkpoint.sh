# A crash during the shutdown checkpoint: the checkpointer panics after
# writing the checkpoint record and before pg_control says "shut down".
# The postmaster ends abnormally (exit 1); the next start runs crash
# recovery and every committed row is there.
. "$PMTEST"
pm_node p
pm_start p
pm_sql p "INSERT INTO kv VALUES ('k', 'committed')"
pm_fault p arm checkpointer.before_control_update panic
pm_stop p fast
pm_wait p fault_hit point=checkpointer.before_control_update action=panic
pm_wait p exit child_type=checkpointer crash=true
pm_wait p postmaster_exit code=1
pm_expect p 'checkpoint_start kind=shutdown before fault_hit point=checkpointer.before_control_update' \
  'count checkpoint_done kind=shutdown = 0'
pm_mark p
pm_start p
pm_wait p redo_start
pm_assert_eq committed "$(pm_sql p "SELECT v FROM kv WHERE k = 'k'")" "the committed row after crash recovery"
