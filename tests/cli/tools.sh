# SPDX-License-Identifier: MIT
# Sourced by the CLI scripts that drive mqtk-pub and mqtk-sub together. Needs $sub, $port, $T.

# sub_bg OUT ARGS...: starts mqtk-sub in the background (pid in $sub_pid) and returns once the
# broker acknowledged its subscriptions, read from the -d packet trace rather than guessed.
sub_bg() {
  local out=$1
  shift
  $T "$sub" -p "$port" -d "$@" >"$out" 2>"$out.trace" &
  sub_pid=$!
  wait_for "<- SUBACK" "$out.trace"
}

# wait_for TEXT FILE [SECONDS]: up to SECONDS (default 10) for TEXT to appear in FILE.
wait_for() {
  for _ in $(seq $((${3:-10} * 40))); do
    grep -qF -- "$1" "$2" 2>/dev/null && return 0
    sleep 0.025
  done
  echo "timed out waiting for '$1' in $2" >&2
  return 1
}
