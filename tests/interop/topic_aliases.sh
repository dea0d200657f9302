#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mqtk-broker's outbound Topic Aliases read by others' MQTT 5 clients: MQTT.js (which resolves
# aliases itself) and paho-mqtt (which does not: the script resolves them as the spec says and
# checks the stream is one a client can follow, with aliases used alone), each allowing 4
# aliases, receive 6 topics of which 5 are long, and see every message under its topic.
# usage: topic_aliases.sh PATH/TO/mqtk-broker PATH/TO/mqtk-pub NODE_MODULES_PARENT
. "$(dirname "$0")/lib.sh"
broker=$1 pub=$2
export NODE_PATH="$3/node_modules"
js=$(cd "$(dirname "$0")/../js" && pwd)
T="timeout 30"
start_broker "$broker"

# Four long topics twice (the second round by alias alone), a short one that takes none, then
# a fifth long one that takes a slot given up, and the four again (slots given up in turn).
four="alpha/sensor/temperature beta/sensor/humidity gamma/sensor/pressure delta/sensor/wind"
for round in 1 2 3; do
  [ "$round" = 3 ] && echo "epsilon/sensor/rain epsilon-3"
  for t in $four x; do echo "$t $t-$round"; done
done >"$work/want"
count=$(wc -l <"$work/want")

publish_all() { "$pub" -p "$port" --topic-per-line -q 1 <"$work/want"; }

mqttjs() {
  $T node "$js/mqttjs_client.js" aliases "mqtt://127.0.0.1:$port" '#' "$count" >"$work/js" \
    2>"$work/js.err" &
  local s=$!
  for _ in $(seq 200); do grep -q subscribed "$work/js.err" && break; sleep 0.025; done
  publish_all
  wait "$s" && diff "$work/want" "$work/js"
}
check "MQTT.js allowing 4 aliases gets every message under its topic" mqttjs

paho() {
  /usr/bin/python3 - "$port" "$count" >"$work/paho" 2>"$work/paho.err" <<'PY' || return 1
import sys, threading
import paho.mqtt.client as mqtt
from paho.mqtt.properties import Properties
from paho.mqtt.packettypes import PacketTypes
port, count = int(sys.argv[1]), int(sys.argv[2])
aliases, got, done, alone = {}, [], threading.Event(), [0]
def on_message(c, u, m):
    alias = getattr(m.properties, "TopicAlias", None)
    topic = m.topic
    if alias is not None:
        if not 1 <= alias <= 4: raise SystemExit(f"alias {alias} over the maximum")
        if topic: aliases[alias] = topic       # the alias is (re)set with the topic
        else: topic = aliases[alias]; alone[0] += 1  # an empty topic: the alias names it
    got.append(f"{topic} {m.payload.decode()}")
    if len(got) == count: done.set()
c = mqtt.Client(client_id="paho-aliases", protocol=mqtt.MQTTv5)
p = Properties(PacketTypes.CONNECT)
p.TopicAliasMaximum = 4
c.on_message = on_message
c.on_subscribe = lambda *a: print("subscribed", file=sys.stderr, flush=True)
c.connect("127.0.0.1", port, properties=p)
c.subscribe("#", qos=1)
c.loop_start()
if not done.wait(20): raise SystemExit(f"only {len(got)} of {count}")
c.loop_stop()
print("\n".join(got))
if len(aliases) != 4 or alone[0] == 0: raise SystemExit(f"aliases not used: {aliases}, {alone[0]}")
PY
  diff "$work/want" "$work/paho"
}
paho_run() {
  paho &
  local p=$!
  for _ in $(seq 200); do grep -q subscribed "$work/paho.err" 2>/dev/null && break; sleep 0.025; done
  publish_all
  wait "$p"
}
check "paho-mqtt allowing 4 aliases: resolving them as the spec says gives every topic" paho_run
finish
