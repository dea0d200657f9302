# SPDX-License-Identifier: MIT
# Sourced by the CLI scripts that drive mqtk-pub and mqtk-sub together. Needs $sub, $port, $T, $work.

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

# takeover_fight: two 3.1.1 mqtk-sub with one client id, 6 s. Each broker ends the older
# connection; the back-off must grow (without growth it was ~6 reconnects a second each) and
# the reconnect line must name the id.
takeover_fight() {
  timeout 6 "$sub" -p "$port" -V 311 -i fighter -t f 2>"$work/f1" &
  local a=$!
  timeout 6 "$sub" -p "$port" -V 311 -i fighter -t f 2>"$work/f2" &
  local b=$!
  wait "$a" "$b"
  local n1 n2
  n1=$(grep -c reconnecting "$work/f1") n2=$(grep -c reconnecting "$work/f2")
  echo "reconnects in 6 s: $n1 and $n2" >&2
  [ "$n1" -le 8 ] && [ "$n2" -le 8 ] && [ $((n1 + n2)) -ge 2 ] &&
    grep -q "is another client using client id 'fighter'" "$work/f1" "$work/f2"
}
