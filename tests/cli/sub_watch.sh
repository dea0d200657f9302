#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mqtk-sub in a real terminal (tmux): --watch's rows per topic sorted, counts, retained marks,
# -F for the payload column, lines fitted to the width, q and Ctrl-C leaving the shell's screen
# as it was, and a pipe refused; colour on a terminal, none with NO_COLOR or in a pipe.
# usage: sub_watch.sh PATH/TO/mqtk-sub PATH/TO/mqtk-pub PATH/TO/mqtk-broker
. "$(dirname "$0")/../interop/lib.sh"
sub=$1
pub=$2
start_broker "$3"
T="timeout 20"
# A tmux server of our own per pane (a server being killed may still take a new session).
panes=0
tm() { tmux -L "mqtk-watch-$$-$panes" "$@"; }
stop_tmux() { tm kill-server 2>/dev/null || true; }
trap 'stop_tmux; cleanup' EXIT

# in_pane WIDTH COMMAND: runs COMMAND in a fresh WIDTHx12 pane after a marker line; the exit
# status is printed after it.
in_pane() {
  stop_tmux
  panes=$((panes + 1))
  tm new-session -d -x "$1" -y 12 "echo before-watch; $2; echo exit=\$?; sleep 60"
}
screen() { tm capture-pane -p; }
# wait_screen TEXT: up to 10 s for TEXT on the screen.
wait_screen() {
  for _ in $(seq 400); do screen | grep -qF -- "$1" && return 0; sleep 0.025; done
  echo "timed out waiting for '$1' on:" >&2
  screen >&2
  return 1
}

"$pub" -p "$port" -t w/kept -m retained-one -r -q 1

table() {
  in_pane 72 "$sub -p $port -t 'w/#' -q 1 --watch"
  wait_screen "w/kept" || return 1
  "$pub" -p "$port" -t w/b -m 'second' -q 1 && "$pub" -p "$port" -t w/a -m 'first' &&
    for i in 1 2 3; do "$pub" -p "$port" -t w/c -m "n$i" -q 1 || return 1; done
  wait_screen "n3" || return 1
  local s
  s=$(screen)
  grep -q '^4 topics, 6 messages' <<<"$s" && grep -q '^TOPIC .*QOS .*COUNT .*RATE/s .*AGE PAYLOAD' <<<"$s" ||
    { echo "$s" >&2; return 1; }
  # Sorted by topic, with QoS (R: retained) and counts.
  [ "$(grep -o '^w/[a-z]*' <<<"$s" | tr '\n' ' ')" = "w/a w/b w/c w/kept " ] &&
    grep -Eq '^w/a +0 +1 .* first$' <<<"$s" && grep -Eq '^w/c +1 +3 .* n3$' <<<"$s" &&
    grep -Eq '^w/kept +1R +1 .* retained-one$' <<<"$s" || { echo "$s" >&2; return 1; }
  tm send-keys q
  wait_screen "exit=0" || return 1
  # The shell's screen is back as it was: the marker, then the status, no table left.
  s=$(screen)
  [ "$(grep -v '^$' <<<"$s" | tr '\n' ' ')" = "before-watch exit=0 " ] || { echo "$s" >&2; return 1; }
}
check "--watch: a row per topic, sorted, with QoS, R, count and payload; q restores the screen" table

narrow() {
  in_pane 40 "$sub -p $port -t 'w/#' --watch -F '%l bytes: %p'"
  wait_screen "12 bytes:" || return 1
  "$pub" -p "$port" -t w/long/topic/that/does/not/fit/in/forty/columns -m "$(printf 'a\tb%.0s' $(seq 40))"
  wait_screen "w/long" || return 1
  local s widest
  s=$(screen)
  widest=$(while IFS= read -r line; do echo "${#line}"; done <<<"$s" | sort -n | tail -1)
  [ "$widest" -le 40 ] && grep -q '…' <<<"$s" || { echo "widest $widest: $s" >&2; return 1; }
  tm send-keys C-c
  wait_screen "exit=130" || return 1
  [ "$(screen | grep -v '^$' | tr '\n' ' ')" = "before-watch exit=130 " ]
}
check "--watch fits a 40-column terminal (-F for the payload); Ctrl-C exits 130, screen restored" narrow

piped() {
  local out status=0
  out=$("$sub" -p "$port" -t 'w/#' --watch 2>&1 | cat) || true
  "$sub" -p "$port" -t 'w/#' --watch >/dev/null 2>&1 || status=$?
  [ "$status" -eq 2 ] && grep -q -- "--watch needs a terminal" <<<"$out"
}
check "--watch into a pipe is refused (exit 2) saying why" piped

colour() { # --color auto: a terminal gets a cyan topic, NO_COLOR and a pipe get none
  in_pane 72 "env -u NO_COLOR $sub -p $port -t w/kept -v -C 1"
  wait_screen "exit=0" || return 1
  tm capture-pane -p -e | grep -qF $'\e[36mw/kept\e[' || { tm capture-pane -p -e >&2; return 1; }
  in_pane 72 "NO_COLOR=1 $sub -p $port -t w/kept -v -C 1"
  wait_screen "exit=0" || return 1
  tm capture-pane -p -e | grep -q '^w/kept retained-one' || return 1
  [ "$($T "$sub" -p "$port" -t w/kept -v -C 1 | od -c | grep -c '033')" -eq 0 ] &&
    $T "$sub" -p "$port" -t w/kept -v -C 1 --color always | grep -qF $'\e[36m' &&
    $T "$sub" -p "$port" -t w/kept -C 1 -d --color always 2>&1 >/dev/null | grep -qF $'\e[35m<-\e[0m \e[1mSUBACK'
}
check "colour: on a terminal by default, off with NO_COLOR and in pipes, --color always" colour
finish
