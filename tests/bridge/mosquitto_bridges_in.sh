#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Debian's mosquitto bridging into mqtk-broker, as sites running mosquitto do today: with
# try_private (3.1.1, the top bit of the protocol level) and as an MQTT 5 bridge, `topic # both`
# and prefixes: each message crosses once each way and never comes back; the bridge's
# notification (its state under $SYS/broker/connection, its will) is taken and kept.
# usage: mosquitto_bridges_in.sh PATH/TO/mqtk-broker
. "$(dirname "$0")/../interop/lib.sh"
broker=$1
T="timeout 20"
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# bridge_up VERSION EXTRA: a mosquitto bridging into the mqtk-broker on $port; sets $mport.
bridge_up() {
  local before
  before=$(grep -c 'client site.up connected' "$work/broker.log" || true)
  mport=$(free_port)
  cat >"$work/m.conf" <<CONF
listener $mport 127.0.0.1
allow_anonymous true
user root
connection site
address 127.0.0.1:$port
remote_clientid site.up
bridge_protocol_version $1
$2
CONF
  mosquitto -c "$work/m.conf" 2>>"$work/mosquitto.log" &
  mosquitto_pid=$!
  pids+=("$mosquitto_pid")
  for _ in $(seq 200); do
    [ "$(grep -c 'client site.up connected' "$work/broker.log")" -gt "$before" ] && return 0
    sleep 0.025
  done
  return 1
}
bridge_down() { kill -9 "$mosquitto_pid"; wait "$mosquitto_pid" 2>/dev/null || true; }

start_broker "$broker" -v
check "3.1.1 bridge with try_private connects, the log says bridge" \
  bridge_up mqttv311 "topic # both 1"
check "its CONNECT carried the bridge bit" grep -q 'client site.up connected.*(MQTT 3.1.1, bridge' "$work/broker.log"
state_is() { [ "$($T mosquitto_sub -p "$port" -t '$SYS/broker/connection/site.up/state' -C 1 -W 5)" = "$1" ]; }
check "its notification is retained at mqtk-broker: 1" state_is 1
both_once() {
  $T mosquitto_sub -p "$port" -t 'x/#' -v -W 3 >"$work/at_mqtk" 2>/dev/null &
  local a=$!
  $T mosquitto_sub -p "$mport" -t 'x/#' -v -W 3 >"$work/at_mosq" 2>/dev/null &
  local b=$!
  sleep 0.5
  mosquitto_pub -p "$mport" -t x/m -m 1 -q 1
  mosquitto_pub -p "$port" -t x/q -m 2 -q 2
  mosquitto_pub -p "$port" -t x/z -m 3 -q 0
  wait "$a" "$b" || true
  local want
  want=$(printf 'x/m 1\nx/q 2\nx/z 3')
  [ "$(sort "$work/at_mqtk")" = "$want" ] && [ "$(sort "$work/at_mosq")" = "$want" ]
}
check "topic # both: QoS 0, 1, 2 cross once each way, no loop" both_once
retained_crosses() {
  mosquitto_pub -p "$mport" -t x/kept -m k -r -q 1
  sleep 0.5
  [ "$($T mosquitto_sub -p "$port" -t x/kept -C 1 -W 5 -F '%r %p')" = "1 k" ]
}
check "a retained message from the bridge is retained at mqtk-broker" retained_crosses
bridge_down
check "killed, its will sets the notification to 0" state_is 0

check "MQTT 5 bridge with prefixes connects" bridge_up mqttv50 "topic # both 1 local/ remote/"
prefixed() {
  $T mosquitto_sub -p "$port" -t 'remote/#' -v -W 3 >"$work/at_mqtk" 2>/dev/null &
  local a=$!
  $T mosquitto_sub -p "$mport" -t 'local/#' -v -W 3 >"$work/at_mosq" 2>/dev/null &
  local b=$!
  sleep 0.5
  mosquitto_pub -p "$mport" -t local/up -m 1 -q 1
  mosquitto_pub -p "$port" -t remote/down -m 2 -q 1
  wait "$a" "$b" || true
  [ "$(sort "$work/at_mqtk")" = "$(printf 'remote/down 2\nremote/up 1')" ] &&
    [ "$(sort "$work/at_mosq")" = "$(printf 'local/down 2\nlocal/up 1')" ]
}
check "prefixes map both ways, each message once (No Local)" prefixed
bridge_down
finish
