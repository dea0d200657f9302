#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mqtk-bench end to end against mqtk-broker: the JSON summary's fields and consistency, a
# deliberately skipped message reported as lost, QoS 1 acknowledgements, exit codes.
# usage: bench_cli.sh PATH/TO/mqtk-bench PATH/TO/mqtk-broker
. "$(dirname "$0")/../interop/lib.sh"
bench=$1
start_broker "$2"
T="timeout 60"

check "--help exits 0" bash -c "'$bench' --help >/dev/null"
check "a bad mode exits 2" bash -c "'$bench' fly 2>/dev/null; [ \$? -eq 2 ]"
check "a bad size exits 2" bash -c "'$bench' -s 12 2>/dev/null; [ \$? -eq 2 ]"
check "no broker exits 3" bash -c "'$bench' -p 1 --count 1 2>/dev/null; [ \$? -eq 3 ]"

summary() {
  $T "$bench" -p "$port" --publishers 2 --subscribers 2 --count 2000 -q 1 --json \
    2>"$work/progress" >"$work/summary.json" || return 1
  /usr/bin/python3 - "$work/summary.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
for k in ["mode", "publishers", "subscribers", "qos", "payload_bytes", "sent", "received",
          "acknowledged", "lost", "duplicates", "reordered", "late", "errors", "send_rate",
          "receive_rate", "latency_us"]:
    assert k in j, k
assert j["mode"] == "pubsub" and j["publishers"] == 2 and j["subscribers"] == 2, j
assert j["sent"] == 4000 and j["acknowledged"] == 4000, j
assert j["received"] == 8000 and j["lost"] == 0 and j["errors"] == 0, j   # fan-out to 2
for h in ("from_intended", "from_sent"):
    l = j["latency_us"][h]
    assert l["count"] == 8000, l
    assert 0 < l["p50"] <= l["p90"] <= l["p99"] <= l["p99_9"] <= l["p99_99"] <= l["max"], l
assert j["send_rate"] > 0 and j["receive_rate"] > 0
PY
}
check "--json summary: fields, fan-out counts, acknowledgements, ordered percentiles" summary

loss() {
  $T "$bench" -p "$port" --count 1000 --skip-sequence 500 --drain 0.5 --json 2>/dev/null |
    /usr/bin/python3 -c 'import json,sys; j=json.load(sys.stdin); assert j["sent"]==1000 and j["received"]==999 and j["lost"]==1, j'
}
check "a deliberately skipped message is reported as lost" loss

scheduled() {
  $T "$bench" -p "$port" --rate 500 --duration 1 --json 2>"$work/live" |
    /usr/bin/python3 -c 'import json,sys; j=json.load(sys.stdin); assert 495 <= j["sent"] <= 505 and j["lost"] == 0, j' &&
    grep -Eq "^ +[0-9.]+ s  sent +[0-9]+/s  received" "$work/live"
}
check "--rate 500 for 1 s sends about 500 on schedule; a live line per second on stderr" scheduled

files() {
  $T "$bench" -p "$port" --rate 200 --duration 2 --csv "$work/run.csv" --report "$work/run.html" \
    >/dev/null 2>&1 || return 1
  head -1 "$work/run.csv" | grep -q "^second,elapsed_s,sent_per_s,received_per_s" &&
    grep -Eq "^2,[12]\.[0-9]+,(19[0-9]|20[0-9]|21[0-9])," "$work/run.csv" &&
    grep -q "^lost,0$" "$work/run.csv" &&
    grep -q "<svg" "$work/run.html" && grep -q "<polyline" "$work/run.html" &&
    ! grep -Eq "(src|href)=['\"]?https?:" "$work/run.html" ||
    { cat "$work/run.csv" >&2; return 1; }
  "$bench" -p "$port" --count 10 --csv /nonexistent/dir/x.csv >/dev/null 2>&1
  [ $? -eq 1 ]
}
check "--csv writes the per-second series and summary; --report one self-contained HTML page" files

sub_only() {
  $T "$bench" sub -p "$port" --duration 1 --json 2>/dev/null |
    /usr/bin/python3 -c 'import json,sys; j=json.load(sys.stdin); assert j["mode"]=="sub" and j["sent"]==0, j'
}
check "sub mode runs for its duration" sub_only
connections() {
  $T "$bench" conn -p "$port" --clients 200 --connect-rate 1000 --duration 0.5 --json 2>/dev/null |
    /usr/bin/python3 -c 'import json,sys; j=json.load(sys.stdin); assert j["mode"]=="conn" and j["sent"]==200 and j["received"]==200 and j["errors"]==0 and j["latency_us"]["from_intended"]["count"]==200, j' || return 1
  $T "$bench" conn -p "$port" --churn --clients 10 --duration 0.5 --json 2>/dev/null |
    /usr/bin/python3 -c 'import json,sys; j=json.load(sys.stdin); assert j["received"] > 50 and j["errors"]==0, j'
}
check "conn mode holds 200 connections opened at 1,000/s; --churn reconnects" connections
sources() {
  $T "$bench" conn -p "$port" --clients 6 --duration 2 --source-addresses 127.0.0.2-127.0.0.3,127.0.0.5 \
    --quiet >/dev/null &
  local b=$! seen=""
  for _ in $(seq 80); do
    seen=$(ss -Htn state established "( dport = :$port )" | awk '{print $3}' | cut -d: -f1 | sort | uniq -c | tr -s ' ')
    [ "$(wc -l <<<"$seen")" -eq 3 ] && [ "$(awk '{s+=$1} END {print s}' <<<"$seen")" -eq 6 ] && break
    sleep 0.05
  done
  wait "$b"
  [ "$seen" = "$(printf ' 2 127.0.0.2\n 2 127.0.0.3\n 2 127.0.0.5')" ] || { echo "$seen" >&2; return 1; }
  ! "$bench" conn -p "$port" --source-addresses 127.0.0.9-127.0.0.1 2>/dev/null
}
check "--source-addresses spreads clients over the given local addresses in turn" sources
threads() {
  $T "$bench" conn -p "$port" --threads 2 --clients 101 --duration 0.3 --json 2>/dev/null |
    /usr/bin/python3 -c 'import json,sys; j=json.load(sys.stdin); assert j["sent"]==101 and j["received"]==101 and j["latency_us"]["from_intended"]["count"]==101, j' || return 1
  # Three publishers on two threads, QoS 1, with an outside subscriber counting what arrives.
  "$bench" sub -p "$port" --filter 'mqtk-bench/+' --publishers 3 --duration 3 -q 1 --json \
    >"$work/threads-sub.json" 2>/dev/null &
  local s=$!
  sleep 0.5
  $T "$bench" pub -p "$port" --threads 2 --publishers 3 --count 1000 -q 1 --json 2>/dev/null |
    /usr/bin/python3 -c 'import json,sys; j=json.load(sys.stdin); assert j["sent"]==3000 and j["acknowledged"]==3000 and j["errors"]==0, j' || return 1
  wait "$s"
  /usr/bin/python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["received"]==3000 and j["lost"]==0 and j["duplicates"]==0 and j["foreign"]==0, j' "$work/threads-sub.json" || return 1
  # pubsub over threads: a message skipped by each publisher is lost for each subscriber, counted
  # across threads (2 publishers x 2 subscribers = 4), and everything else arrives once.
  $T "$bench" pubsub -p "$port" --threads 2 --publishers 2 --subscribers 2 --count 500 -q 1 \
    --skip-sequence 7 --json 2>/dev/null |
    /usr/bin/python3 -c 'import json,sys; j=json.load(sys.stdin); assert j["sent"]==1000 and j["received"]==2*998 and j["lost"]==4 and j["duplicates"]==0 and j["errors"]==0, j'
}
check "--threads splits clients over threads in every mode; counts and loss merge" threads
spread() {
  # 3 topics in turn: a subscriber to one of them gets every third message.
  "$bench" sub -p "$port" --filter 'spread/1' --duration 2 -q 1 --json >"$work/spread.json" 2>/dev/null &
  local s=$!
  sleep 0.5
  $T "$bench" pub -p "$port" -t 'spread/%t' --topics 3 --count 300 -q 1 --json >/dev/null 2>&1 || return 1
  wait "$s"
  /usr/bin/python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["received"]==100 and j["duplicates"]==0, j' "$work/spread.json" || return 1
  ! "$bench" pub -p "$port" --topics 3 2>/dev/null
}
check "--topics spreads messages over %t names in turn" spread
text_summary() {
  $T "$bench" -p "$port" --count 200 --quiet >"$work/table" || return 1
  grep -Eq "^target +mqtt://localhost:$port \(MQTT 5\.0\)$" "$work/table" &&
    grep -Eq "^ +count +rate +window$" "$work/table" &&
    grep -Eq "^sent +200 +[0-9]+ msg/s +[0-9.]+ s$" "$work/table" &&
    grep -q "^note: no --rate, so each message was meant to go when it went" "$work/table" ||
    { cat "$work/table" >&2; return 1; }
  $T "$bench" -p "$port" --count 200 --rate 1000 --quiet | grep -q "^note:" && return 1
  $T "$bench" conn -p "$port" --clients 20 --duration 0.2 --quiet >"$work/conn-table" || return 1
  grep -Eq "^connected +20 +[0-9]+ connected/s" "$work/conn-table" &&
    grep -Eq "^failed +0$" "$work/conn-table" && grep -Eq "^attempted +20$" "$work/conn-table" ||
    { cat "$work/conn-table" >&2; return 1; }
  $T "$bench" pub -p "$port" --count 10 --quiet | grep -q "^latency    measured where messages arrive"
}
check "the summary names the target, heads its columns, says why the latency rows match" text_summary
instance_flags() {
  local bad
  for bad in "--instance 3/2" "--instance 0/2" "--instance 2" "--instance a/b" \
    "--start-at 1000" "--start-at 2026-13-45T00:00:00Z" "--start-at tomorrow" "--start-at 9999999999"; do
    "$bench" -p "$port" $bad 2>"$work/err"
    [ $? -eq 2 ] && grep -q "mqtk-bench: --" "$work/err" || { echo "$bad" >&2; cat "$work/err" >&2; return 1; }
  done
  "$bench" -p "$port" merge 2>"$work/err"
  [ $? -eq 2 ] && grep -q "merge comes first" "$work/err"
}
check "--instance and --start-at refuse what they cannot use (exit 2, naming the flag)" instance_flags
saved() {
  local at=$(($(date +%s) + 1))
  $T "$bench" -p "$port" --rate 1000 --count 1500 --instance 2/3 --start-at "$at" -q 1 --quiet \
    --save "$work/run.json" --json >"$work/run.out" || return 1
  /usr/bin/python3 - "$work/run.json" "$work/run.out" "$at" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
out = json.load(open(sys.argv[2]))
assert j["format"] == "mqtk-bench-run" and j["format_version"] == 1, j.keys()
assert j["run"]["instance"] == 2 and j["run"]["instances"] == 3, j["run"]
assert out["instance"] == 2 and out["format_version"] == 2 and out["target"].startswith("mqtt://"), out
# Started at the agreed second (within 50 ms).
assert abs(j["totals"]["start_wall_ns"] / 1e9 - int(sys.argv[3])) < 0.05, j["totals"]["start_wall_ns"]
# Instance 2 of 3: its one publisher is number 1, its subscriber heard only that one.
assert [p["index"] for p in j["records"]["publishers"]] == [1], j["records"]
assert [h["publisher"] for h in j["records"]["heard"]] == [1], j["records"]
s = j["series"]
assert len(s) >= 2 and sum(e["sent"] for e in s) == 1500, s
per_second = sum(c for e in s for _, c in e["latency"])
assert per_second == j["latency_ns"]["from_intended"]["count"] == 1500, per_second
assert j["records"]["publishers"][0]["taken_by_second"][-1] == 1500, j["records"]
PY
}
check "--save: the whole run (format 1), per-second histograms that add up, instance numbers" saved
stale() {
  # A retained message from an earlier run carries an old stamp of publisher 0: it is foreign to
  # this run, neither a duplicate nor a number that hides a loss.
  $T "$bench" pub -p "$port" -t 'stale/%i' -r --count 300 --quiet >/dev/null || return 1
  $T "$bench" -p "$port" -t 'stale/%i' --count 100 --skip-sequence 50 --drain 0.5 -q 1 --quiet \
    --json | /usr/bin/python3 -c 'import json,sys; j=json.load(sys.stdin); assert j["foreign"] == 1 and j["received"] == 99 and j["lost"] == 1 and j["duplicates"] == 0, j'
}
check "a retained message from an earlier run is foreign: no duplicate, no hidden loss" stale
finish
