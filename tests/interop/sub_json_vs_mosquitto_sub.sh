#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mqtk-sub -F %j / %J against Debian's mosquitto_sub, byte for byte: both subscribe to the same
# broker (mqtk-broker, then Debian's mosquitto), receive the same messages (text with escapes,
# JSON with numbers cJSON rewrites, empty, binary, QoS 0/1/2, retained, every v5 PUBLISH
# property), and must print the same bytes once the receive times ("tst") are set aside.
# usage: sub_json_vs_mosquitto_sub.sh PATH/TO/mqtk-broker PATH/TO/mqtk-sub
. "$(dirname "$0")/lib.sh"
broker_bin=$1
sub=$2
T="timeout 20"

# The messages, published with mosquitto_pub so the property order on the wire is its own.
publish_all() {
  mosquitto_pub -p "$port" -t j/text -m 'hello "w" \ tab	x'
  mosquitto_pub -p "$port" -t j/json -q 1 \
    -m '{"temp": 21.50, "n": [1, 2.0, 1e3, -0.5, 12345678901234567890, 0.1], "s": "a\u00e9\n/", "o": {}, "e": [], "t": true, "z": null, "d": {"x": [{"y": []}]}}'
  mosquitto_pub -p "$port" -t j/empty -n -q 2
  mosquitto_pub -p "$port" -V 5 -t j/props -q 1 -m ' [1,2] ' -D publish content-type text/x \
    -D publish user-property k v -D publish user-property k w -D publish response-topic r/t \
    -D publish correlation-data abc -D publish message-expiry-interval 100 \
    -D publish payload-format-indicator 1
  printf 'bin\x01\x7f\xff' | mosquitto_pub -p "$port" -t j/bin -s -q 2
  mosquitto_pub -p "$port" -t j/num -m '42' -q 1
  mosquitto_pub -p "$port" -t j/str -m '"quoted"'
}
messages=7

# same_output NAME VERSION FORMAT [EXTRA...]: both tools print the same bytes.
same_output() {
  local name=$1 version=$2 format=$3
  shift 3
  local a="$work/$name.mosquitto" b="$work/$name.mqtk"
  $T mosquitto_sub -p "$port" -V "$version" -q 2 -t 'j/#' -C "$messages" -F "$format" "$@" \
    >"$a" 2>"$a.err" &
  local p1=$!
  $T "$sub" -p "$port" -V "$version" -q 2 -t 'j/#' -C "$messages" -F "$format" "$@" \
    >"$b" 2>"$b.err" &
  local p2=$!
  sleep 0.5
  publish_all
  wait "$p1" "$p2" || { echo "# a subscriber failed: $(cat "$a.err" "$b.err")"; return 1; }
  local tst='s/"tst":[[:space:]]*"[0-9T:.-]*Z[+-][0-9]*"/"tst":TIME/'
  if ! cmp -s <(sed "$tst" "$a") <(sed "$tst" "$b"); then
    diff <(sed "$tst" "$a") <(sed "$tst" "$b") | head -20 | sed 's/^/# /'
    return 1
  fi
  # The receive time has mosquitto_sub's shape as well: local time, micros, 'Z', UTC offset.
  grep -Eq '"tst":[[:space:]]*"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{6}Z[+-][0-9]{4}"' "$b"
}

against() { # BROKER-NAME
  check "$1: %j, MQTT 5" same_output "$1-j5" 5 '%j'
  check "$1: %J, MQTT 5 (nothing for a non-JSON payload, as mosquitto_sub)" \
    same_output "$1-J5" 5 'x=%J;'
  check "$1: %j, MQTT 3.1.1" same_output "$1-j3" mqttv311 '%j'
  check "$1: %j --pretty (cJSON's tabs)" same_output "$1-jp" 5 '%j' --pretty
  check "$1: %J --pretty, nested payload" same_output "$1-Jp" 5 '%J' --pretty
}

start_broker "$broker_bin"
against mqtk-broker
kill "$broker_pid"

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$port" >"$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" 2>"$work/mosquitto.log" &
pids+=($!)
for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.025; done
against mosquitto

# And mqtk-sub says why a line stopped short.
grep -q 'payload on j/text is not valid JSON' "$work/mosquitto-J5.mqtk.err" ||
  { echo "not ok - %J names the topic whose payload is not JSON"; failed=$((failed + 1)); }
finish
