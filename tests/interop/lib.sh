# SPDX-License-Identifier: MIT
# Sourced by the interop scripts: start mqtk-broker on a free loopback port and report results.
set -euo pipefail
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -- "$p" 2>/dev/null || true; done # "-PGID" ends a group
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work" 2>/dev/null || { sleep 0.5; rm -rf "$work"; } # a helper may still be exiting
}
trap cleanup EXIT

# start_broker BINARY [ARGS...]: sets $port.
start_broker() {
  rm -f "$work/port"
  "$@" -p 0 --port-file "$work/port" --sys-interval 0 2>"$work/broker.log" &
  broker_pid=$!
  pids+=("$broker_pid")
  for _ in $(seq 400); do
    [ -s "$work/port" ] && break
    kill -0 "$broker_pid" 2>/dev/null || break # it ended: no use waiting
    sleep 0.025
  done
  [ -s "$work/port" ] || {
    echo "# the broker did not start ($*); its log:" >&2
    sed 's/^/# /' "$work/broker.log" >&2
    return 1
  }
  ports=($(cat "$work/port")) # one line per TCP listener: -p 0 first, then each -L
  port=${ports[0]}
}

passed=0
failed=0
# check NAME COMMAND...: runs the command, counts the result.
# CHECK_ONLY=PATTERN runs only the checks whose names contain PATTERN (for debugging).
check() {
  local name=$1
  shift
  [[ -z "${CHECK_ONLY:-}" || "$name" == *"$CHECK_ONLY"* ]] || return 0
  if "$@"; then
    passed=$((passed + 1))
    echo "ok - $name"
  else
    failed=$((failed + 1))
    echo "not ok - $name"
  fi
}
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
