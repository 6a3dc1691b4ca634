# The library itself: a call that fails inside $( ... ) still ends the
# scenario, with the line, the node, the call and the diagnosis; the
# artifacts folder holds each node's log, events and diagnosis; and the
# teardown leaves no process of the nodes (a stopped backend orphaned by
# the postmaster's kill -9 included) and no shared memory segment.
. "$PMTEST"
inner=$PMTEST_TMP/inner.sh
cat > "$inner" <<'INNER'
. "$PMTEST"
pm_node a
pm_start a
pm_session_open a orphan
pm_kill a "$(pm_session_pid orphan)" STOP
pm_pids a > "$PMTEST_TMP/../pids"
sed -n 7p "$(pm_datadir a)/postmaster.pid" | awk '{ print $1 }' > "$PMTEST_TMP/../key"
pm_kill a postmaster KILL
line=$(pm_wait a promote --timeout 1)
echo "not reached: $line"
INNER
run=$PMTEST_TMP/run
mkdir -p "$run"
out=$(PMTEST_ARTIFACTS=$run/art PMTEST_TMP=$run/work bash "$inner" 2>&1)
pm_assert_eq 1 "$?" "the inner scenario's exit status"
for want in "pmtest: FAILED at inner.sh:9: pm_wait a promote" "pmtest: node a (port" \
            "timed out after 1 s waiting for \"promote\"" "--- pg_control" "pmtest: artifacts in"; do
  grep -qF -- "$want" <<< "$out" || pm_fail "the failure output lacks \"$want\": $out"
done
grep -q "not reached" <<< "$out" && pm_fail "the scenario went on after the failure"
for f in log events.jsonl diagnose.txt; do [ -s "$run/art/a/$f" ] || pm_fail "no artifact a/$f"; done
pm_wait_gone $(cat "$run/pids")
[ -e "/dev/shm/pmemu.$(cat "$run/key")" ] && pm_fail "segment pmemu.$(cat "$run/key") left"
[ -e "$run/work" ] && pm_fail "the inner scenario's directory was kept"
true
