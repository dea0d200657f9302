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

# without_probes FILE: the messages in FILE but the readiness probes, receive times set aside,
# sorted; a message is a line, or with --pretty an object up to its closing brace at the line
# start. Sorted because each message has its own topic and its own mosquitto_pub: MQTT orders
# messages per client, topic and QoS [MQTT-4.6.0-6], not across them, and Debian's mosquitto has
# been seen to hand the QoS 2 message to one subscriber after the ones published later.
without_probes() {
  /usr/bin/python3 -c '
import re, sys
text = open(sys.argv[1], "rb").read().decode("utf-8", "surrogateescape")
records = re.findall(r"(?ms)^\{.*?^\}\n", text) if sys.argv[2] == "pretty" else text.splitlines(True)
kept = [re.sub(r"\"tst\":(\s*)\"[^\"]*\"", r"\"tst\":\1TIME", r) for r in records if "j/probe" not in r]
sys.stdout.write("".join(sorted(kept)))
' "$1" "$2"
}
# count_in FILE MODE: messages in FILE but the probes.
count_in() { /usr/bin/python3 -c '
import re, sys
text = open(sys.argv[1], "rb").read().decode("utf-8", "surrogateescape")
records = re.findall(r"(?ms)^\{.*?^\}\n", text) if sys.argv[2] == "pretty" else text.splitlines(True)
print(sum("j/probe" not in r for r in records))' "$1" "$2"; }

# same_output NAME VERSION FORMAT [EXTRA...]: both tools print the same bytes.
same_output() {
  local name=$1 version=$2 format=$3
  shift 3
  local a="$work/$name.mosquitto" b="$work/$name.mqtk"
  mosquitto_sub -p "$port" -V "$version" -q 2 -t 'j/#' -F "$format" "$@" >"$a" 2>"$a.err" &
  local p1=$!
  pids+=("$p1")
  "$sub" -p "$port" -V "$version" -q 2 -t 'j/#' -F "$format" "$@" >"$b" 2>"$b.err" &
  local p2=$!
  pids+=("$p2")
  # Both subscribed once both print a probe (a published message, not a guess of time).
  for _ in $(seq 200); do
    grep -q 'j/probe' "$a" && grep -q 'j/probe' "$b" && break
    mosquitto_pub -p "$port" -t j/probe -m '{"probe":1}'
    sleep 0.05
  done
  publish_all
  local mode=plain
  [[ " $* " == *" --pretty "* ]] && mode=pretty
  for _ in $(seq 400); do
    [ "$(count_in "$a" $mode)" -ge "$messages" ] && [ "$(count_in "$b" $mode)" -ge "$messages" ] &&
      break
    sleep 0.025
  done
  kill -INT "$p1" "$p2"
  wait "$p1" "$p2" 2>/dev/null || true
  if ! cmp -s <(without_probes "$a" $mode) <(without_probes "$b" $mode); then
    diff <(without_probes "$a" $mode) <(without_probes "$b" $mode) | head -20 | sed 's/^/# /'
    return 1
  fi
  [ "$(count_in "$b" $mode)" -eq "$messages" ] ||
    { echo "# $(count_in "$b" $mode) of $messages messages" >&2; return 1; }
  # The receive time has mosquitto_sub's shape as well: local time, micros, 'Z', UTC offset.
  grep -Eq '"tst":[[:space:]]*"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{6}Z[+-][0-9]{4}"' "$b"
}

against() { # BROKER-NAME
  check "$1: %j, MQTT 5" same_output "$1-j5" 5 '%j'
  check "$1: %J, MQTT 5 (nothing for a non-JSON payload, as mosquitto_sub)" \
    same_output "$1-J5" 5 'x=%J;'
  check "$1: %j, MQTT 3.1.1" same_output "$1-j3" mqttv311 '%j'
  check "$1: %j --pretty (cJSON's tabs)" same_output "$1-jp" 5 '%j' --pretty
  # An object per JSON payload: 5 of the 7 (text and binary print nothing, not even a line).
  messages=5 check "$1: %J --pretty, nested payload" same_output "$1-Jp" 5 '%J' --pretty
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
