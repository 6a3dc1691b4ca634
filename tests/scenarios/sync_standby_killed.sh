# A synchronous standby killed while a commit waits for it: the commit is
# visible (it committed locally) but its session gets no answer; emptying
# synchronous_standby_names by a reload releases it with success.
. "$PMTEST"
pm_node p
pm_start p
pm_node s --standby-of p --sync
pm_start s
pm_wait p walsender_state state=streaming app=s
pm_sql p "INSERT INTO kv VALUES ('acked', 'by s')"

pm_mark p
pm_kill s postmaster KILL
pm_wait p exit child_type=walsender
pm_session_open p w
pm_session_send w "INSERT INTO kv VALUES ('waits', 'for s')"
pm_wait_sql p "SELECT v FROM kv WHERE k = 'waits'" "for s"
pm_session_pending w
pm_set p synchronous_standby_names ''
pm_reload p
pm_session_expect w ok
pm_session_send w "INSERT INTO kv VALUES ('after', 'reload')"
pm_session_expect w ok
pm_wait p config_reloaded ptype='client backend'
