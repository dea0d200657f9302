#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# MQTT over WebSocket with peers written by others (Debian's mosquitto has no WebSocket):
# MQTT.js publishing and subscribing through mqtk-broker over ws:// and wss://, in both
# directions with mqtk-pub/mqtk-sub, MQTT 5 and 3.1.1; mqtk-pub and mqtk-sub over ws:// and
# wss:// against aedes behind the ws package's server.
# usage: websocket_interop.sh mqtk-pub mqtk-sub mqtk-broker NODE_MODULES_PARENT
. "$(dirname "$0")/../interop/lib.sh"
pub=$1
sub=$2
broker=$3
export NODE_PATH="$4/node_modules"
js=$(cd "$(dirname "$0")" && pwd)
T="timeout 30"
pki="$work/pki"
bash "$js/../support/make_certs.sh" "$pki"
ca=$pki/ca.crt

start_broker "$broker" -L ws://127.0.0.1:0 -L wss://127.0.0.1:0 --certfile "$pki/server.crt" \
  --keyfile "$pki/server.key"
ws="ws://127.0.0.1:${ports[1]}/mqtt"
wss="wss://localhost:${ports[2]}/mqtt"

# node_sub OUT URL TOPIC COUNT [CA] [V]: MQTT.js subscriber in the background, once subscribed.
node_sub() {
  local out=$1
  shift
  $T node "$js/mqttjs_client.js" sub "$@" >"$out" 2>"$out.err" &
  node_pid=$!
  for _ in $(seq 400); do grep -q subscribed "$out.err" && return 0; sleep 0.025; done
  cat "$out.err" >&2
  return 1
}

mqttjs_both() { # URL VERSION [CA]
  node_sub "$work/js$2" "$1" "js/$2" 1 "${3:-}" "$2" &&
    $T node "$js/mqttjs_client.js" pub "$1" "js/$2" "MQTT.js to MQTT.js" "${3:-}" "$2" &&
    wait "$node_pid" && [ "$(cat "$work/js$2")" = "MQTT.js to MQTT.js" ]
}
check "MQTT.js -> mqtk-broker (ws://) -> MQTT.js, MQTT 5" mqttjs_both "$ws" 5
check "MQTT.js -> mqtk-broker (ws://) -> MQTT.js, MQTT 3.1.1" mqttjs_both "$ws" 4
check "MQTT.js -> mqtk-broker (wss://) -> MQTT.js, MQTT 5" mqttjs_both "$wss" 5 "$ca"

js_to_mqtk() { # URL [TLS flags]
  local url=$1
  shift
  $T "$sub" -L "$url" -t js/to/mqtk -C 1 -d "$@" >"$work/m" 2>"$work/m.trace" &
  local s=$!
  for _ in $(seq 400); do grep -q "<- SUBACK" "$work/m.trace" && break; sleep 0.025; done
  $T node "$js/mqttjs_client.js" pub "$url" js/to/mqtk "from MQTT.js" "${1:+}" 5 &&
    wait "$s" && [ "$(cat "$work/m")" = "from MQTT.js" ]
}
check "MQTT.js (ws://) -> mqtk-broker -> mqtk-sub (ws://)" js_to_mqtk "$ws"
mqtk_to_js() { # URL CA
  node_sub "$work/j" "$1" mqtk/to/js 1 "$2" 5 &&
    $T "$pub" -L "$1" -t mqtk/to/js -m "from mqtk-pub" -q 1 --cafile "$2" &&
    wait "$node_pid" && [ "$(cat "$work/j")" = "from mqtk-pub" ]
}
check "mqtk-pub (wss://) -> mqtk-broker -> MQTT.js (wss://)" mqtk_to_js "$wss" "$ca"

# --- mqtk clients against aedes behind the ws package
rm -f "$work/aedes.ports"
node "$js/aedes_broker.js" "$work/aedes.ports" "$pki/server.crt" "$pki/server.key" \
  2>"$work/aedes.log" &
pids+=($!)
for _ in $(seq 400); do [ -s "$work/aedes.ports" ] && break; sleep 0.025; done
aedes_ports=($(cat "$work/aedes.ports"))
via_aedes() { # URL [TLS flags]
  local url=$1
  shift
  $T "$sub" -L "$url" -t aedes/t -C 2 -q 1 -d "$@" >"$work/a" 2>"$work/a.trace" &
  local s=$!
  for _ in $(seq 400); do grep -q "<- SUBACK" "$work/a.trace" && break; sleep 0.025; done
  $T "$pub" -L "$url" -t aedes/t -m "via aedes" -q 1 "$@" &&
    $T "$pub" -L "$url" -t aedes/t -m "$(head -c 100000 /dev/zero | tr "\\0" x)" -q 1 "$@" &&
    wait "$s" && [ "$(head -1 "$work/a")" = "via aedes" ] && [ "$(tail -1 "$work/a" | wc -c)" -eq 100001 ]
}
check "mqtk-pub and mqtk-sub over ws:// against aedes (QoS 1, a 100 kB payload)" via_aedes \
  "ws://127.0.0.1:${aedes_ports[0]}/mqtt" -V 311
check "mqtk-pub and mqtk-sub over wss:// against aedes" via_aedes \
  "wss://localhost:${aedes_ports[1]}/" -V 311 --cafile "$ca"
finish
