#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Bridges over TLS and WebSocket: mqtk-broker to Debian's mosquitto over mutual TLS (bridge_cafile,
# bridge_certfile, bridge_keyfile), a wrong CA refused and named in the log while the broker
# serves on; and to another mqtk-broker over ws:// and wss:// URLs, which mosquitto's bridges
# cannot (and whose WebSocket listener this project never starts: it ignores its bind address).
# usage: bridge_transports.sh PATH/TO/mqtk-broker PATH/TO/mqtk-pub PATH/TO/mqtk-sub
. "$(dirname "$0")/../interop/lib.sh"
broker=$1 pub=$2 sub=$3
T="timeout 20"
pki="$work/pki"
bash "$(dirname "$0")/../support/make_certs.sh" "$pki" >/dev/null
chmod -R a+rX "$work"
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

mport=$(free_port)
cat >"$work/up.conf" <<CONF
listener $mport 127.0.0.1
allow_anonymous true
cafile $pki/ca.crt
certfile $pki/server.crt
keyfile $pki/server.key
require_certificate true
user root
CONF
mosquitto -c "$work/up.conf" 2>>"$work/mosquitto.log" &
pids+=("$!")
for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$mport") 2>/dev/null && break; sleep 0.025; done

# up_then_across LOG OTHER_PORT OTHER_SUB_ARGS...: the bridge in LOG connects, and a message
# published here arrives at the other broker under its prefix.
up_then_across() {
  local log=$1 other=$2
  shift 2
  for _ in $(seq 400); do grep -q "bridge up: connected to" "$log" && break; sleep 0.025; done
  grep -q "bridge up: connected to" "$log" || return 1
  $T "$@" -p "$other" -t "far/#" -C 1 -v >"$work/got" 2>/dev/null &
  local s=$!
  sleep 0.4
  "$pub" -p "$port" -t near/x -m over -q 1
  wait "$s" && [ "$(cat "$work/got")" = "far/near/x over" ]
}

cat >"$work/tls.conf" <<CONF
connection up
address 127.0.0.1:$mport
bridge_cafile $pki/ca.crt
bridge_certfile $pki/client.crt
bridge_keyfile $pki/client.key
topic near/# out 1 "" far/
CONF
start_broker "$broker" -c "$work/tls.conf" -v
printf '#!/bin/sh\nexec mosquitto_sub --cafile %s/ca.crt --cert %s/client.crt --key %s/client.key "$@"\n' \
  "$pki" "$pki" "$pki" >"$work/mosquitto_sub_tls"
chmod +x "$work/mosquitto_sub_tls"
check "mutual TLS to mosquitto: the bridge connects and a message crosses" \
  up_then_across "$work/broker.log" "$mport" "$work/mosquitto_sub_tls"
kill "$broker_pid"
wait "$broker_pid" 2>/dev/null || true

cat >"$work/wrong.conf" <<CONF
connection up
address 127.0.0.1:$mport
bridge_cafile $pki/wrong-ca.crt
topic near/# out 1
restart_timeout 1
CONF
start_broker "$broker" -c "$work/wrong.conf" -v
refused_named() {
  for _ in $(seq 200); do grep -q "bridge up: cannot connect to" "$work/broker.log" && break; sleep 0.025; done
  grep -q "bridge up: cannot connect to 127.0.0.1:$mport: .*trusted CA" "$work/broker.log" &&
    grep -q "bridge up: next attempt in 1 s" "$work/broker.log" &&
    $T "$pub" -p "$port" -t near/x -m still-serving -q 1
}
check "a CA that did not sign mosquitto's certificate: named in the log, retried, clients served" refused_named
kill "$broker_pid"
wait "$broker_pid" 2>/dev/null || true

# Another mqtk-broker with ws:// and wss:// listeners as the other side.
wsport=$(free_port) wssport=$(free_port)
cat >"$work/far.conf" <<CONF
listener $wsport 127.0.0.1
protocol websockets
listener $wssport 127.0.0.1
protocol websockets
certfile $pki/server.crt
keyfile $pki/server.key
CONF
"$broker" -c "$work/far.conf" -p 0 --port-file "$work/far.port" --sys-interval 0 2>"$work/far.log" &
pids+=("$!")
for _ in $(seq 200); do [ "$(wc -l 2>/dev/null <"$work/far.port")" = 3 ] && break; sleep 0.025; done
far=$(sed -n 3p "$work/far.port" 2>/dev/null) # the file's two listeners come first, then -p 0
for scheme in ws wss; do
  p=$wsport
  [ "$scheme" = wss ] && p=$wssport
  cat >"$work/$scheme.conf" <<CONF
connection up
address $scheme://127.0.0.1:$p/mqtt
bridge_cafile $pki/ca.crt
bridge_protocol_version mqttv50
topic near/# out 1 "" far/
CONF
  start_broker "$broker" -c "$work/$scheme.conf" -v
  check "$scheme:// URL: the bridge speaks MQTT over WebSocket to another mqtk-broker" \
    up_then_across "$work/broker.log" "$far" "$sub"
  kill "$broker_pid"
  wait "$broker_pid" 2>/dev/null || true
done
finish
