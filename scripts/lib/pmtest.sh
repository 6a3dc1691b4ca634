# pmtest.sh: the scenario library (SPEC 10.4, docs/scenarios.md). Sourced by
# a bash scenario, which begins with `. "$PMTEST"`; scripts/scenario sets
# PMTEST, and a scenario runs alone with PMTEST=scripts/lib/pmtest.sh bash FILE.
#
# Sugar over pmctl, psql and scripts/lib/pmsession.py, never a second
# implementation. Every function has a deadline; on failure it prints the
# node, the call and what it saw, and ends the scenario (from a command
# substitution too). Whatever happens, the EXIT trap stops every node
# (immediate), kills what is left of their process groups and removes their
# shared segments; after a failure it first keeps an artifacts folder.
#
# Environment: PMTEST_TMP (the scenario's directory; default a new
# /tmp/pmemu-sc-XXXXXX), PMTEST_ARTIFACTS (where artifacts go after a
# failure; default $PMTEST_TMP.artifacts), PMTEST_KEEP=1 (keep PMTEST_TMP), PMEMU_PMCTL or
# PMEMU_BIN (the pmctl binary; default build/pmctl of this checkout),
# PMTEST_TIMEOUT (seconds for a wait without --timeout; default 30).

_pm_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
_pm_root=$(cd "$_pm_lib_dir/../.." && pwd)
if [ -n "${PMEMU_PMCTL:-}" ]; then PMCTL=$PMEMU_PMCTL
elif [ -n "${PMEMU_BIN:-}" ]; then PMCTL=$PMEMU_BIN/pmctl
else PMCTL=$_pm_root/build/pmctl
fi
_pm_session_py=$_pm_lib_dir/pmsession.py
_pm_timeout=${PMTEST_TIMEOUT:-30}
_pm_user=$(id -un)
_pm_main_pid=$$
# Clock ticks since boot when the scenario began: a pid of a fork event is
# ours only if its process started after this (pids are reused).
_pm_start_ticks=$(awk '{ sub(/.*\) /, ""); print $20 }' /proc/$$/stat)

if [ -z "${PMTEST_TMP:-}" ]; then
  PMTEST_TMP=$(mktemp -d /tmp/pmemu-sc-XXXXXX)
fi
mkdir -p "$PMTEST_TMP"
# "PID STARTTIME PGID" of this shell: scripts/scenario removes what a
# scenario killed before its teardown left (its owner no longer runs).
echo "$$ $_pm_start_ticks $(awk '{ sub(/.*\) /, ""); print $3 }' /proc/$$/stat)" > "$PMTEST_TMP/owner"
: "${PMTEST_ARTIFACTS:=$PMTEST_TMP.artifacts}"

declare -a _pm_nodes=()
declare -A _pm_port=() _pm_mark=() _pm_keys=() _pm_primary=() _pm_sync=()
declare -A _pm_sess_node=() _pm_sess_in=() _pm_sess_out=() _pm_sess_seen=() _pm_sess_proc=() _pm_sess_pid=()
_pm_failed=0

# --- failure -----------------------------------------------------------------

# The scenario line that called the library function running now.
_pm_where() {
  local i
  for ((i = 1; i < ${#FUNCNAME[@]}; i++)); do
    case ${FUNCNAME[$i]} in
      _pm_*|pm_*) ;;
      *) echo "${BASH_SOURCE[$i]##*/}:${BASH_LINENO[$((i - 1))]}"; return ;;
    esac
  done
  echo "${BASH_SOURCE[-1]##*/}:${BASH_LINENO[-2]:-?}"
}

# _pm_fail NODE CALL SAW: says what failed and ends the scenario. Inside a
# command substitution `exit` would only end the subshell, so the main shell
# is told with SIGTERM (its trap exits 1).
_pm_fail() {
  local node=$1 call=$2 saw=$3
  {
    echo "pmtest: FAILED at $(_pm_where): $call"
    [ -n "$node" ] && echo "pmtest: node $node (port ${_pm_port[$node]:-?}, data $(_pm_data "$node"))"
    echo "pmtest: saw:"
    printf '%s\n' "$saw" | sed 's/^/  /'
  } >&2
  _pm_failed=1
  if [ "$BASHPID" != "$_pm_main_pid" ]; then
    kill -TERM "$_pm_main_pid"
  fi
  exit 1
}

# --- nodes -------------------------------------------------------------------

_pm_base() { echo "$PMTEST_TMP/$1"; }
_pm_data() { echo "$PMTEST_TMP/$1/data"; }
_pm_log() { echo "$PMTEST_TMP/$1/log"; }
_pm_need_node() {
  [ -n "${_pm_port[$1]:-}" ] || _pm_fail "" "${FUNCNAME[1]} $*" "no node named \"$1\" (pm_node makes one)"
}

# A TCP port nobody uses, in _pm_got_port: held with flock on
# /tmp/pmemu-port-locks/PORT.lock (the integration harness's scheme, so two
# test runners never share one) for as long as this shell lives, and not
# listened on now. Not in a subshell: the lock's fd must stay open here.
_pm_free_port() {
  local port fd attempt
  mkdir -p /tmp/pmemu-port-locks 2>/dev/null && chmod 1777 /tmp/pmemu-port-locks 2>/dev/null
  for ((attempt = 0; attempt < 500; attempt++)); do
    port=$((20000 + RANDOM % 12000))
    exec {fd}>>"/tmp/pmemu-port-locks/$port.lock" || continue
    if flock -n "$fd" && [ -z "$(ss -Htan "sport = :$port" 2>/dev/null)" ]; then
      _pm_got_port=$port
      return 0
    fi
    exec {fd}>&-
  done
  return 1
}

# Every pid the node's events name (postmasters and the children they
# forked) that still runs and started after the scenario: its processes.
_pm_node_pids() {
  local events pid ticks
  events=$(_pm_data "$1")/events.jsonl
  [ -f "$events" ] || return 0
  grep -oE '"(child_pid|pid)":[0-9]+' "$events" | cut -d: -f2 | sort -un | while read -r pid; do
    ticks=$(awk '{ sub(/.*\) /, ""); print $20 }' "/proc/$pid/stat" 2>/dev/null) || continue
    [ -n "$ticks" ] && [ "$ticks" -ge "$_pm_start_ticks" ] && echo "$pid"
  done
}

_pm_remember_key() {
  local key
  key=$(sed -n 7p "$(_pm_data "$1")/postmaster.pid" 2>/dev/null | awk '{ print $1 }')
  [ -n "$key" ] && [ "$key" != 0 ] && _pm_keys[$1]="${_pm_keys[$1]:-} $key"
  return 0
}

_pm_append_conf() { printf '\n%s\n' "$2" >> "$(_pm_data "$1")/postgresql.conf"; }

# pm_node NAME [--standby-of NODE [--sync]] [-c name=value]...
pm_node() {
  local name=$1 of="" sync=0 out port
  local -a settings=()
  shift
  while [ $# -gt 0 ]; do
    case $1 in
      --standby-of) of=$2; shift 2 ;;
      --sync) sync=1; shift ;;
      -c) settings+=("$2"); shift 2 ;;
      *) _pm_fail "$name" "pm_node $name" "unknown option \"$1\"" ;;
    esac
  done
  [ -z "${_pm_port[$name]:-}" ] || _pm_fail "$name" "pm_node $name" "a node named $name exists already"
  _pm_free_port || _pm_fail "$name" "pm_node $name" "no free TCP port in 20000-31999"
  port=$_pm_got_port
  _pm_port[$name]=$port
  _pm_nodes+=("$name")
  mkdir -p "$(_pm_base "$name")"
  chmod 700 "$(_pm_base "$name")"
  if [ -z "$of" ]; then
    out=$("$PMCTL" init -D "$(_pm_data "$name")" -c "port=$port" -c listen_addresses=127.0.0.1 \
          -c "unix_socket_directories=$(_pm_base "$name")" -c fsync=on 2>&1) \
      || _pm_fail "$name" "pm_node $name" "pmctl init: $out"
  else
    _pm_need_node "$of"
    out=$(timeout 60 "$PMCTL" basebackup -D "$(_pm_data "$name")" -R \
          -d "host=127.0.0.1 port=${_pm_port[$of]} user=$_pm_user application_name=$name" 2>&1) \
      || _pm_fail "$name" "pm_node $name --standby-of $of" "pmctl basebackup: $out"
    _pm_primary[$name]=$of
    _pm_append_conf "$name" "port = $port"
    _pm_append_conf "$name" "unix_socket_directories = '$(_pm_base "$name")'"
    _pm_append_conf "$name" "fsync = on"
    if [ "$sync" = 1 ]; then
      _pm_sync[$of]="${_pm_sync[$of]:+${_pm_sync[$of]}, }$name"
      _pm_append_conf "$of" "synchronous_standby_names = '${_pm_sync[$of]}'"
      _pm_running "$of" && pm_reload "$of"
    fi
  fi
  local s
  for s in "${settings[@]}"; do _pm_append_conf "$name" "${s%%=*} = '${s#*=}'"; done
  _pm_mark[$name]=1
}

_pm_running() { [ -f "$(_pm_data "$1")/postmaster.pid" ]; }

# pm_start NAME [--no-wait]: pmctl start; with -w (the default) the node
# accepts connections (a hot standby read-only) when it returns.
pm_start() {
  _pm_need_node "$1"
  local wait=-w out
  [ "${2:-}" = --no-wait ] && wait=-W
  out=$("$PMCTL" start -D "$(_pm_data "$1")" -l "$(_pm_log "$1")" "$wait" -t "$_pm_timeout" 2>&1) \
    || _pm_fail "$1" "pm_start $1 ${2:-}" "$out"$'\n'"--- log:"$'\n'"$(tail -n 20 "$(_pm_log "$1")" 2>/dev/null)"
  _pm_remember_key "$1"
}

# pm_start_fails NAME TEXT: pmctl start must fail, saying TEXT (in its
# output or in what the server logged).
pm_start_fails() {
  _pm_need_node "$1"
  local out log_before log_after
  log_before=$(wc -c < "$(_pm_log "$1")" 2>/dev/null || echo 0)
  if out=$("$PMCTL" start -D "$(_pm_data "$1")" -l "$(_pm_log "$1")" -w -t "$_pm_timeout" 2>&1); then
    _pm_fail "$1" "pm_start_fails $1 \"$2\"" "the start succeeded: $out"
  fi
  log_after=$(tail -c +"$((log_before + 1))" "$(_pm_log "$1")" 2>/dev/null)
  case "$out"$'\n'"$log_after" in *"$2"*) return 0 ;; esac
  _pm_fail "$1" "pm_start_fails $1 \"$2\"" "$out"$'\n'"--- log:"$'\n'"$log_after"
}

# pm_stop NAME [MODE] [--no-wait]: pmctl stop -m MODE (default fast); waits
# for the postmaster to exit unless --no-wait.
pm_stop() {
  _pm_need_node "$1"
  local mode=fast wait=-w out
  case ${2:-} in --no-wait) wait=-W ;; ?*) mode=$2 ;; esac
  [ "${3:-}" = --no-wait ] && wait=-W
  _pm_remember_key "$1"
  out=$("$PMCTL" stop -D "$(_pm_data "$1")" -m "$mode" "$wait" -t "$_pm_timeout" 2>&1) \
    || _pm_fail "$1" "pm_stop $1 $mode ${3:-}" "$out"
}

pm_restart() {
  _pm_need_node "$1"
  local out
  _pm_remember_key "$1"
  out=$("$PMCTL" restart -D "$(_pm_data "$1")" -m fast -l "$(_pm_log "$1")" -w -t "$_pm_timeout" 2>&1) \
    || _pm_fail "$1" "pm_restart $1" "$out"
  _pm_remember_key "$1"
}

pm_promote() {
  _pm_need_node "$1"
  local out
  out=$("$PMCTL" promote -D "$(_pm_data "$1")" -w -t "$_pm_timeout" 2>&1) || _pm_fail "$1" "pm_promote $1" "$out"
}

pm_reload() {
  _pm_need_node "$1"
  local out
  out=$("$PMCTL" reload -D "$(_pm_data "$1")" 2>&1) || _pm_fail "$1" "pm_reload $1" "$out"
}

# pm_set NAME name value: appends a setting to NAME's postgresql.auto.conf,
# read last, so it wins over postgresql.conf and what basebackup -R wrote
# (a pm_reload or restart makes it count).
pm_set() {
  _pm_need_node "$1"
  printf '\n%s\n' "$2 = '$3'" >> "$(_pm_data "$1")/postgresql.auto.conf"
}

# pm_kill NAME ROLE SIGNAL [--all]: pmctl kill; prints the pids signalled.
pm_kill() {
  _pm_need_node "$1"
  local node=$1 out
  shift
  _pm_remember_key "$node"
  out=$("$PMCTL" kill -D "$(_pm_data "$node")" "$@" 2>&1) || _pm_fail "$node" "pm_kill $node $*" "$out"
  printf '%s\n' "$out"
}

# pm_pids NAME [PTYPE]: the pids of NAME's processes (pmctl ps), of one
# process type if given ("client backend", walsender, ...).
pm_pids() {
  _pm_need_node "$1"
  "$PMCTL" ps -D "$(_pm_data "$1")" | awk -v want="${2:-}" 'NR > 1 && $1 ~ /^[0-9]+$/ {
    ptype = ($2 == "client") ? "client backend" : $2
    if (want == "" || want == ptype) print $1 }'
}

# pm_ps NAME: pmctl ps (pid, ptype, state, wait, since, title).
pm_ps() {
  _pm_need_node "$1"
  "$PMCTL" ps -D "$(_pm_data "$1")"
}

# pm_wait_gone PID...: each process has exited (a zombie counts as gone).
pm_wait_gone() {
  local pid state deadline=$((SECONDS + _pm_timeout))
  for pid in "$@"; do
    while :; do
      state=$(awk '{ sub(/.*\) /, ""); print $1 }' "/proc/$pid/stat" 2>/dev/null)
      [ -z "$state" ] || [ "$state" = Z ] && break
      [ "$SECONDS" -lt "$deadline" ] || _pm_fail "" "pm_wait_gone $*" "process $pid still alive (state $state)"
      sleep 0.02
    done
  done
}

# pm_port NAME / pm_datadir NAME / pm_connstr NAME: for tools the library
# does not wrap (pgbench, pg_basebackup).
pm_port() { _pm_need_node "$1"; echo "${_pm_port[$1]}"; }
pm_datadir() { _pm_need_node "$1"; _pm_data "$1"; }
pm_connstr() { _pm_need_node "$1"; echo "host=127.0.0.1 port=${_pm_port[$1]} user=$_pm_user dbname=postgres"; }

# --- SQL ---------------------------------------------------------------------

# pm_sql NAME SQL: prints the rows (psql -At), fails on any error.
pm_sql() {
  _pm_need_node "$1"
  local out
  out=$(PGCONNECT_TIMEOUT=10 timeout "$_pm_timeout" psql -X -A -t -q -v ON_ERROR_STOP=1 \
        -h "$(_pm_base "$1")" -p "${_pm_port[$1]}" -U "$_pm_user" -d postgres -c "$2" 2>&1) \
    || _pm_fail "$1" "pm_sql $1 \"$2\"" "$out"
  [ -n "$out" ] && printf '%s\n' "$out"
  return 0
}

# pm_sql_fails NAME SQL SQLSTATE [MESSAGE]: the statement (or the
# connection it needs) must fail with that SQLSTATE (and that message).
pm_sql_fails() {
  _pm_need_node "$1"
  local out last
  out=$(timeout "$_pm_timeout" python3 "$_pm_session_py" once "$(_pm_base "$1")" "${_pm_port[$1]}" \
        "$_pm_user" postgres "$2" 2>&1)
  last=${out##*$'\n'}
  if [ $# -ge 4 ]; then
    [ "$last" = "error $3 $4" ] && return 0
  else
    case $last in "error $3 "*) return 0 ;; esac
  fi
  _pm_fail "$1" "pm_sql_fails $1 \"$2\" $3${4:+ \"$4\"}" "$out"
}

# pm_session_open NAME ID: a session kept open (scripts/lib/pmsession.py
# reading statements from a FIFO); fails unless it connects.
pm_session_open() {
  _pm_need_node "$1"
  local node=$1 id=$2 dir fd
  [ -z "${_pm_sess_node[$id]:-}" ] || _pm_fail "$node" "pm_session_open $node $id" "session $id is open already"
  dir=$PMTEST_TMP/sessions/$id
  rm -rf "$dir"
  mkdir -p "$dir"
  mkfifo "$dir/in"
  : > "$dir/out"
  python3 "$_pm_session_py" session "$(_pm_base "$node")" "${_pm_port[$node]}" "$_pm_user" postgres \
    < "$dir/in" > "$dir/out" 2>&1 &
  _pm_sess_proc[$id]=$!
  exec {fd}>"$dir/in"
  _pm_sess_node[$id]=$node
  _pm_sess_in[$id]=$fd
  _pm_sess_out[$id]=$dir/out
  _pm_sess_seen[$id]=0
  local first
  first=$(_pm_session_next "$id" "$_pm_timeout") \
    || _pm_fail "$node" "pm_session_open $node $id" "no answer in $_pm_timeout s"
  case $first in
    "connected "*) _pm_sess_pid[$id]=${first#connected }; _pm_sess_seen[$id]=1 ;;
    *) _pm_fail "$node" "pm_session_open $node $id" "$first" ;;
  esac
}

# The session's next result line, waiting at most $2 seconds.
_pm_session_next() {
  local id=$1 limit=$2 out=${_pm_sess_out[$1]} n line
  local deadline=$((SECONDS + limit))
  n=$((_pm_sess_seen[$id] + 1))
  while :; do
    line=$(sed -n "${n}p" "$out")
    if [ -n "$line" ]; then
      echo "$line"
      return 0
    fi
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.05
  done
}

# pm_session_pid ID: the server pid of the session's backend.
pm_session_pid() { echo "${_pm_sess_pid[$1]:?no session $1}"; }

# pm_session_pending ID: the session's statement has not answered yet (a
# look now, not a wait).
pm_session_pending() {
  local id=$1 line
  line=$(sed -n "$((_pm_sess_seen[$id] + 1))p" "${_pm_sess_out[$id]:-/dev/null}")
  [ -z "$line" ] || _pm_fail "${_pm_sess_node[$id]:-}" "pm_session_pending $id" "it answered: $line"
}

# pm_session_wait_active ID: the session's backend runs a statement (its
# process title, as pmctl ps shows it, ends in "active"): no SQL asked.
pm_session_wait_active() {
  local id=$1 pid=${_pm_sess_pid[$1]:-} node=${_pm_sess_node[$1]:-} title
  [ -n "$pid" ] || _pm_fail "" "pm_session_wait_active $id" "no open session $id"
  local deadline=$((SECONDS + _pm_timeout))
  while :; do
    title=$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null)
    title=${title%"${title##*[! ]}"}  # the title is padded with blanks
    case $title in *" active") return 0 ;; esac
    [ "$SECONDS" -lt "$deadline" ] \
      || _pm_fail "$node" "pm_session_wait_active $id" "backend $pid title \"$title\" after $_pm_timeout s"
    sleep 0.02
  done
}

# pm_session_send ID SQL: sends one statement and returns at once.
pm_session_send() {
  local id=$1
  [ -n "${_pm_sess_node[$id]:-}" ] || _pm_fail "" "pm_session_send $id" "no open session $id"
  printf '%s\n' "${2//$'\n'/ }" >&"${_pm_sess_in[$id]}"
}

# pm_session_expect ID WANT [--timeout S]: the session's next result is WANT:
# ok, a SQLSTATE, lost (connection closed without an error), or several
# separated by | ("57P02|lost").
pm_session_expect() {
  local id=$1 want=$2 limit=$_pm_timeout line got alt
  [ "${3:-}" = --timeout ] && limit=$4
  [ -n "${_pm_sess_node[$id]:-}" ] || _pm_fail "" "pm_session_expect $id $want" "no open session $id"
  line=$(_pm_session_next "$id" "$limit") \
    || _pm_fail "${_pm_sess_node[$id]}" "pm_session_expect $id $want" \
                "no result in $limit s; session output so far:"$'\n'"$(cat "${_pm_sess_out[$id]}")"
  _pm_sess_seen[$id]=$((_pm_sess_seen[$id] + 1))
  case $line in
    ok) got=ok ;;
    "lost "*) got=lost ;;
    "error "*) got=${line#error }; got=${got%% *} ;;
    *) got=$line ;;
  esac
  local IFS='|'
  for alt in $want; do
    [ "$alt" = "$got" ] && return 0
  done
  _pm_fail "${_pm_sess_node[$id]}" "pm_session_expect $id $want" "$line"
}

# pm_session_close ID...: ends sessions (sends Terminate if still connected).
pm_session_close() {
  local id pid
  for id in "$@"; do
    pid=${_pm_sess_proc[$id]:-}
    [ -n "$pid" ] || continue
    printf 'close\n' >&"${_pm_sess_in[$id]}" 2>/dev/null
    eval "exec ${_pm_sess_in[$id]}>&-"
    wait "$pid" 2>/dev/null
    unset "_pm_sess_node[$id]" "_pm_sess_proc[$id]"
  done
}

# --- events ------------------------------------------------------------------

# pm_mark NAME: later pm_wait calls on NAME look from the end of its events now.
pm_mark() {
  _pm_need_node "$1"
  local events n=0
  events=$(_pm_data "$1")/events.jsonl
  [ -f "$events" ] && n=$(wc -l < "$events")
  _pm_mark[$1]=$((n + 1))
}

# pm_wait NAME EVENT [field=value]... [--timeout S]: pmctl wait from NAME's
# last mark (the start of the scenario without one); prints the event's line.
pm_wait() {
  _pm_need_node "$1"
  local node=$1 limit=$_pm_timeout out
  shift
  local -a pattern=()
  while [ $# -gt 0 ]; do
    case $1 in
      --timeout) limit=$2; shift 2 ;;
      *) pattern+=("$1"); shift ;;
    esac
  done
  out=$("$PMCTL" wait -D "$(_pm_data "$node")" "${pattern[@]}" --since "${_pm_mark[$node]}" --timeout "$limit" 2>&1) \
    || _pm_fail "$node" "pm_wait $node ${pattern[*]} (from line ${_pm_mark[$node]})" "$out"
  printf '%s\n' "$out"
}

# pm_expect NAME 'ASSERTION'...: pmctl expect over all of NAME's events.
pm_expect() {
  _pm_need_node "$1"
  local node=$1 out
  shift
  out=$("$PMCTL" expect -D "$(_pm_data "$node")" --since 1 "$@" 2>&1) \
    || _pm_fail "$node" "pm_expect $node $(printf "'%s' " "$@")" "$out"
}

# pm_fault NAME arm|wakeup|clear|list ARGS...: pmctl fault.
pm_fault() {
  _pm_need_node "$1"
  local node=$1 out
  shift
  out=$("$PMCTL" fault -D "$(_pm_data "$node")" "$@" 2>&1) || _pm_fail "$node" "pm_fault $node $*" "$out"
  [ -n "$out" ] && printf '%s\n' "$out"
  return 0
}

# pm_wait_sql NAME SQL EXPECTED: runs SQL until it prints EXPECTED (for
# what no event tells, as PostgreSQL's poll_query_until).
pm_wait_sql() {
  local out deadline=$((SECONDS + _pm_timeout))
  while :; do
    out=$(pm_sql "$1" "$2")
    [ "$out" = "$3" ] && return 0
    [ "$SECONDS" -lt "$deadline" ] || _pm_fail "$1" "pm_wait_sql $1 \"$2\" \"$3\"" "$out"
    sleep 0.05
  done
}

# pm_wait_catchup PRIMARY STANDBY: the standby replayed the primary's
# flush position of now.
pm_wait_catchup() {
  local primary=$1 standby=$2 target replayed
  target=$(pm_sql "$primary" "SELECT pg_current_wal_flush_lsn()")
  local deadline=$((SECONDS + _pm_timeout))
  while :; do
    replayed=$(pm_sql "$standby" "SELECT pg_last_wal_replay_lsn()")
    [ -n "$replayed" ] && _pm_lsn_ge "$replayed" "$target" && return 0
    [ "$SECONDS" -lt "$deadline" ] \
      || _pm_fail "$standby" "pm_wait_catchup $primary $standby" "replayed ${replayed:-nothing}, want $target"
    sleep 0.05
  done
}

# pm_wait_replayed_past STANDBY LSN: the standby replayed a record that
# begins at LSN (its replay position, the end of the last record, is past it).
pm_wait_replayed_past() {
  local standby=$1 lsn=$2 replayed
  local deadline=$((SECONDS + _pm_timeout))
  while :; do
    replayed=$(pm_sql "$standby" "SELECT pg_last_wal_replay_lsn()")
    [ -n "$replayed" ] && ! _pm_lsn_ge "$lsn" "$replayed" && return 0
    [ "$SECONDS" -lt "$deadline" ] \
      || _pm_fail "$standby" "pm_wait_replayed_past $standby $lsn" "replayed ${replayed:-nothing}"
    sleep 0.05
  done
}

# pm_field EVENT_LINE FIELD: a field of an event as pm_wait prints it
# (strings without their quotes).
pm_field() {
  local v
  v=$(grep -oE "\"$2\":(\"[^\"]*\"|[^,}]*)" <<< "$1" | head -n 1)
  v=${v#*:}
  v=${v#\"}
  echo "${v%\"}"
}

# LSN A >= LSN B ("X/X" each).
_pm_lsn_ge() {
  local a=$(( (16#${1%/*} << 32) | 16#${1#*/} )) b=$(( (16#${2%/*} << 32) | 16#${2#*/} ))
  [ "$a" -ge "$b" ]
}

# pm_fail WHAT: ends the scenario as failed, saying WHAT.
pm_fail() { _pm_fail "" "pm_fail" "$*"; }

pm_assert_eq() {
  [ "$1" = "$2" ] || _pm_fail "" "pm_assert_eq: $3" "expected \"$1\", got \"$2\""
}

# --- the end -----------------------------------------------------------------

_pm_keep_artifacts() {
  local node dir
  mkdir -p "$PMTEST_ARTIFACTS"
  for node in "${_pm_nodes[@]}"; do
    dir=$PMTEST_ARTIFACTS/$node
    mkdir -p "$dir"
    cp "$(_pm_log "$node")" "$dir/log" 2>/dev/null
    cp "$(_pm_data "$node")/events.jsonl" "$dir/events.jsonl" 2>/dev/null
    timeout 120 "$PMCTL" diagnose -D "$(_pm_data "$node")" --stacks > "$dir/diagnose.txt" 2>&1
    # The timeline verb may not exist in this build: then no picture.
    if "$PMCTL" timeline --help > /dev/null 2>&1; then
      "$PMCTL" timeline -D "$(_pm_data "$node")" -o "$dir/timeline.svg" > /dev/null 2>&1
    fi
  done
  [ -d "$PMTEST_TMP/sessions" ] && cp -r "$PMTEST_TMP/sessions" "$PMTEST_ARTIFACTS/sessions" 2>/dev/null
  find "$PMTEST_ARTIFACTS" -name in -type p -delete 2>/dev/null
  echo "pmtest: artifacts in $PMTEST_ARTIFACTS" >&2
}

_pm_teardown() {
  local status=$? node pid key id
  trap - EXIT TERM INT
  [ "$status" -ne 0 ] && _pm_failed=1
  [ "$_pm_failed" = 1 ] && [ ${#_pm_nodes[@]} -gt 0 ] && _pm_keep_artifacts
  for id in "${!_pm_sess_proc[@]}"; do
    kill -KILL "${_pm_sess_proc[$id]}" 2>/dev/null
    wait "${_pm_sess_proc[$id]}" 2>/dev/null
  done
  for node in "${_pm_nodes[@]}"; do
    _pm_remember_key "$node"
    _pm_running "$node" && timeout 15 "$PMCTL" stop -D "$(_pm_data "$node")" -m immediate -w -t 10 > /dev/null 2>&1
  done
  # Children call setsid: each is its own group, found through the events.
  for node in "${_pm_nodes[@]}"; do
    for pid in $(_pm_node_pids "$node"); do kill -KILL -- "-$pid" "$pid" 2>/dev/null; done
  done
  for node in "${_pm_nodes[@]}"; do
    for key in ${_pm_keys[$node]:-}; do rm -f "/dev/shm/pmemu.$key"; done
  done
  if [ "${PMTEST_KEEP:-0}" = 1 ]; then
    echo "pmtest: kept $PMTEST_TMP" >&2
  else
    rm -rf "$PMTEST_TMP"
  fi
  exit "$status"
}

trap _pm_teardown EXIT
trap 'exit 1' TERM INT
