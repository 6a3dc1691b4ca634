# Shared pieces of the bench/ scripts (sourced, not run). Each script sets
# $work (its temp dir) and $duration before using them.

say() { echo "bench/$(basename "$0"): $*" >&2; }

# A port nobody answers on (connect refused). Another process could take it
# before our server binds; start-up would then fail loudly, not silently.
free_port() {
  local p
  for _ in $(seq 100); do
    # Below the kernel's ephemeral range (32768-60999): a client connection can hold any port in it.
    p=$((20000 + RANDOM % 12000))
    case " $* " in *" $p "*) continue ;; esac
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  return 1
}

# pgbench's tps on one server: pgbench_tps PORT USER ARGS...
pgbench_tps() {
  local port=$1 user=$2
  shift 2
  pgbench -h 127.0.0.1 -p "$port" -U "$user" -n -M simple -T "$duration" "$@" postgres 2>&1 |
    sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1 | awk '{ printf "%.1f", $1 }'
}

# An LSN "X/Y" as a byte number.
lsn_bytes() { local hi=${1%/*} lo=${1#*/}; echo $(( (16#$hi << 32) + 16#$lo )); }

metrics=()
add() { metrics+=("$1|$2|$3|$4|$5"); }  # metric|unit|ours|peer|higher_is_better

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "null"; else printf "%.2f", a / b }'; }
num() { [ -n "$1" ] && echo "$1" || echo null; }

# Prints the collected metrics as SPEC 9's table, or its JSON array with --json.
print_metrics() {
  local json=$1 name unit ours peer hib sep=
  if [ "$json" = 1 ]; then
    printf '['
    for m in "${metrics[@]}"; do
      IFS='|' read -r name unit ours peer hib <<< "$m"
      printf '%s\n  {"metric": "%s", "unit": "%s", "ours": %s, "peer": %s, "peer_name": "PostgreSQL 15", "ratio": %s, "higher_is_better": %s}' \
        "$sep" "$name" "$unit" "$(num "$ours")" "$(num "$peer")" "$(ratio "$ours" "$peer")" "$hib"
      sep=,
    done
    printf '\n]\n'
  else
    printf '%-40s %-10s %12s %14s %8s\n' metric unit pmemu "PostgreSQL 15" ratio
    for m in "${metrics[@]}"; do
      IFS='|' read -r name unit ours peer hib <<< "$m"
      printf '%-40s %-10s %12s %14s %8s\n' "$name" "$unit" "${ours:-n/a}" "${peer:-n/a}" "$(ratio "$ours" "$peer")"
    done
    echo
  fi
}
