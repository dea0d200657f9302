#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mqtk-broker bridging to Debian's mosquitto as the bigger system, in MQTT 3.1.1 and 5: topics
# both ways with prefixes at QoS 0, 1 and 2, retained messages as bridge_outgoing_retain says,
# the notification, 1,000 QoS 1 messages published while the other broker is down all arriving
# at a durable subscriber there once it is back, and two mqtk-brokers joined by one bridge with
# `topic # both` passing a message once, never round.
# usage: bridge_to_mosquitto.sh PATH/TO/mqtk-broker PATH/TO/mqtk-pub PATH/TO/mqtk-sub
. "$(dirname "$0")/../interop/lib.sh"
broker=$1 pub=$2 sub=$3
T="timeout 20"
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
mport=$(free_port)
mkdir -p "$work/mosq"
cat >"$work/up.conf" <<CONF
listener $mport 127.0.0.1
allow_anonymous true
persistence true
persistence_location $work/mosq/
max_queued_messages 5000
user root
CONF
start_mosquitto() {
  mosquitto -c "$work/up.conf" 2>>"$work/mosquitto.log" &
  mosquitto_pid=$!
  pids+=("$mosquitto_pid")
  for _ in $(seq 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$mport") 2>/dev/null && return 0
    sleep 0.025
  done
  return 1
}
stop_mosquitto() { kill "$mosquitto_pid"; wait "$mosquitto_pid" 2>/dev/null || true; }
# bridged LABEL BEFORE: this mqtk-broker's log shows the bridge up more than BEFORE times.
bridged() {
  local before=$2
  for _ in $(seq 400); do
    [ "$(grep -c "bridge up: connected to" "$work/broker.log")" -gt "$before" ] && return 0
    sleep 0.025
  done
  return 1
}
ups() { grep -c "bridge up: connected to" "$work/broker.log" || true; }

start_mosquitto
for version in mqttv311 mqttv50; do
  id="site-$version"
  keep=true
  [ "$version" = mqttv50 ] && keep=false
  cat >"$work/bridge.conf" <<CONF
connection up
address 127.0.0.1:$mport
bridge_protocol_version $version
remote_clientid $id
topic up/# out 2 "" $id/
topic down/# in 2 "" $id/
topic keep/# out 1 "" $id/
bridge_outgoing_retain $keep
restart_timeout 1 2
CONF
  start_broker "$broker" -c "$work/bridge.conf" -v --max-queued 5000
  check "$version: the bridge connects to mosquitto and logs it" bridged "$version" 0

  out_qos() {
    $T mosquitto_sub -p "$mport" -t "$id/up/#" -q 2 -C 3 -F '%t %q %p' >"$work/got" &
    local s=$!
    sleep 0.3
    for q in 0 1 2; do "$pub" -p "$port" -t "up/q$q" -m "m$q" -q "$q"; done
    wait "$s" && [ "$(sort "$work/got")" = "$(printf '%s/up/q0 0 m0\n%s/up/q1 1 m1\n%s/up/q2 2 m2' "$id" "$id" "$id")" ]
  }
  check "$version: out with a remote prefix, QoS 0, 1 and 2 kept" out_qos
  in_qos() {
    $T "$sub" -p "$port" -t "down/#" -q 2 -C 3 -F '%t %q %p' >"$work/got" &
    local s=$!
    sleep 0.3
    for q in 0 1 2; do mosquitto_pub -p "$mport" -t "$id/down/q$q" -m "d$q" -q "$q"; done
    wait "$s" && [ "$(sort "$work/got")" = "$(printf 'down/q0 0 d0\ndown/q1 1 d1\ndown/q2 2 d2')" ]
  }
  check "$version: in with the prefix taken off, QoS 0, 1 and 2 kept" in_qos
  retained() { # a live 3.1.1 delivery never carries RETAIN: a later subscriber tells
    $T mosquitto_sub -p "$mport" -t "$id/keep/#" -C 1 -F '%p' >"$work/got" &
    local s=$!
    sleep 0.3
    "$pub" -p "$port" -t keep/r -m kept -r -q 1
    wait "$s" && [ "$(cat "$work/got")" = kept ] || return 1
    if [ "$keep" = true ]; then
      [ "$($T mosquitto_sub -p "$mport" -t "$id/keep/r" -C 1 -W 5 -F '%r %p')" = "1 kept" ]
    else
      [ -z "$(mosquitto_sub -p "$mport" -t "$id/keep/r" -W 1 2>/dev/null)" ]
    fi
  }
  check "$version: bridge_outgoing_retain $keep: the RETAIN flag upstream follows it" retained
  notified() {
    [ "$($T mosquitto_sub -p "$mport" -t "\$SYS/broker/connection/$id/state" -C 1 -W 5)" = 1 ] &&
      [ "$($T "$sub" -p "$port" -t "\$SYS/broker/connection/$id/state" -C 1 -W 5)" = 1 ]
  }
  check "$version: the notification says 1 at mosquitto and here" notified

  held_while_down() {
    # A durable subscriber at mosquitto, gone while the messages are published.
    $T mosquitto_sub -p "$mport" -c -i "durable-$version" -q 1 -t "$id/up/n" -W 1 >/dev/null 2>&1 || true
    local before
    before=$(ups)
    stop_mosquitto
    seq 1000 | $T "$pub" -p "$port" -t up/n -q 1 -l || return 1
    start_mosquitto || return 1
    bridged "$version" "$before" || return 1
    $T mosquitto_sub -p "$mport" -c -i "durable-$version" -q 1 -t "$id/up/n" -C 1000 >"$work/got" || return 1
    [ "$(sort -n "$work/got" | uniq | wc -l)" = 1000 ] && [ "$(sort -n "$work/got" | head -1)" = 1 ]
  }
  check "$version: 1,000 QoS 1 messages published while mosquitto is down all arrive" held_while_down
  kill "$broker_pid"
  wait "$broker_pid" 2>/dev/null || true
done

# The same with mqtk-broker killed with SIGKILL mid-stream while mosquitto is down: with
# persistence on, every message the publisher saw acknowledged (its -d trace is the record)
# must reach mosquitto once both are back.
acked_payloads() { # TRACE: the payloads of the PUBLISHes a PUBACK with success answered
  /usr/bin/python3 -c '
import re, sys
sent, acked = {}, set()
for line in open(sys.argv[1], errors="replace"):
    m = re.match(r"-> PUBLISH\(.*id=(\d+),.*payload=\d+ bytes \"([^\"]*)\"", line)
    if m: sent[m.group(1)] = m.group(2)
    m = re.match(r"<- PUBACK\(id=(\d+), code=0x00", line)
    if m and m.group(1) in sent: acked.add(sent[m.group(1)])
print("\n".join(sorted(acked, key=int)))
' "$1"
}
survives_kill() {
  id=site-kill
  mkdir -p "$work/store"
  cat >"$work/kill.conf" <<CONF
persistence true
persistence_location $work/store/
connection up
address 127.0.0.1:$mport
remote_clientid $id
topic up/# out 1 "" $id/
restart_timeout 1 2
CONF
  start_broker "$broker" -c "$work/kill.conf" -v --max-queued 100000
  local first=$port
  bridged kill 0 || return 1
  $T mosquitto_sub -p "$mport" -c -i durable-kill -q 1 -t "$id/up/n" -W 1 >/dev/null 2>&1 || true
  stop_mosquitto
  seq 3000 | $T "$pub" -p "$first" -t up/n -q 1 -l -d --no-reconnect 2>"$work/pub.trace" &
  local p=$!
  for _ in $(seq 400); do
    [ "$(grep -c '^<- PUBACK' "$work/pub.trace")" -ge 1000 ] && break
    sleep 0.01
  done
  kill -9 "$broker_pid" # mid-stream: the publisher is still sending
  wait "$broker_pid" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
  acked_payloads "$work/pub.trace" >"$work/acked"
  local n
  n=$(wc -l <"$work/acked")
  echo "# $n acknowledged before the kill" >&2
  [ "$n" -ge 1000 ] && [ "$n" -lt 3000 ] || return 1
  start_broker "$broker" -c "$work/kill.conf" -v --max-queued 100000
  start_mosquitto || return 1
  bridged kill 0 || return 1
  $T mosquitto_sub -p "$mport" -c -i durable-kill -q 1 -t "$id/up/n" -W 8 >"$work/got" 2>/dev/null || true
  kill "$broker_pid"
  wait "$broker_pid" 2>/dev/null || true
  local lost
  lost=$(comm -23 <(sort "$work/acked") <(sort -u "$work/got") | wc -l)
  echo "# $(sort -u "$work/got" | wc -l) distinct arrived, $lost acknowledged ones missing" >&2
  [ "$lost" = 0 ]
}
check "mqtk-broker killed with SIGKILL mid-stream while mosquitto is down: every acknowledged one arrives" \
  survives_kill
stop_mosquitto

# Two mqtk-brokers, the second bridged to the first with topic # both.
two_brokers() {
  local version=$1
  start_broker "$broker" -v
  local first=$port first_pid=$broker_pid
  cat >"$work/second.conf" <<CONF
connection up
address 127.0.0.1:$first
bridge_protocol_version $version
topic # both 1
CONF
  start_broker "$broker" -c "$work/second.conf" -v
  local second=$port second_pid=$broker_pid
  bridged "$version" 0 || return 1
  $T "$sub" -p "$first" -t 'loop/#' -W 5 >"$work/at_first" 2>/dev/null &
  local a=$!
  $T "$sub" -p "$second" -t 'loop/#' -W 5 >"$work/at_second" 2>/dev/null &
  local b=$!
  sleep 0.5
  "$pub" -p "$first" -t loop/a -m 1 -q 1
  "$pub" -p "$second" -t loop/b -m 2 -q 1
  wait "$a" "$b" || true
  kill "$first_pid" "$second_pid"
  wait "$first_pid" "$second_pid" 2>/dev/null || true
  [ "$(sort "$work/at_first")" = "$(printf '1\n2')" ] && [ "$(sort "$work/at_second")" = "$(printf '1\n2')" ]
}
check "two mqtk-brokers, topic # both, MQTT 3.1.1: each message once at each, over 5 s" two_brokers mqttv311
check "two mqtk-brokers, topic # both, MQTT 5: each message once at each, over 5 s" two_brokers mqttv50
finish
