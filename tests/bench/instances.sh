#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mqtk-bench split over two instances (one publishing, one subscribing, lined up by --start-at)
# against mqtk-broker and against Debian's mosquitto; each pair merged with `mqtk-bench merge`,
# with loss injected on the publishing side and detected only in the merge; then the two merged
# runs compared. Also: two pubsub instances with --threads, and merge's refusals.
# usage: instances.sh PATH/TO/mqtk-bench PATH/TO/mqtk-broker [OUT_DIR]
. "$(dirname "$0")/../interop/lib.sh"
bench=$1
out=${3:-$work}
mkdir -p "$out"
T="timeout 60"
py=/usr/bin/python3

start_broker "$2"
mqtk_port=$port
mosq_port=$($py -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\nallow_anonymous true\nuser root\n' "$mosq_port" >"$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" 2>"$work/mosquitto.log" &
pids+=($!)
for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$mosq_port") 2>/dev/null && break; sleep 0.025; done

# two_instances NAME PORT: 3 publishers sending 1,000 each at 500/s (instance 1/2, sequence 300 skipped by
# each) and 2 subscribers (instance 2/2), both starting at the same wall-clock second.
two_instances() {
  local name=$1 p=$2 at=$(($(date +%s) + 2))
  $T "$bench" sub -p "$p" --instance 2/2 --start-at "$at" --subscribers 2 --duration 2 \
    --drain 1.5 -q 1 --save "$out/$name-sub.json" --json >"$work/$name-sub.out" 2>"$work/$name-sub.err" &
  local s=$!
  $T "$bench" pub -p "$p" --instance 1/2 --start-at "$at" --publishers 3 --rate 500 \
    --count 1000 -q 1 --skip-sequence 300 --save "$out/$name-pub.json" --json \
    >"$work/$name-pub.out" 2>"$work/$name-pub.err" || { cat "$work/$name-pub.err" >&2; return 1; }
  wait "$s" || { cat "$work/$name-sub.err" >&2; return 1; }
  "$bench" merge "$out/$name-pub.json" "$out/$name-sub.json" --save "$out/$name.json" \
    --report "$out/$name.html" --csv "$work/$name.csv" --json >"$work/$name.merged" || return 1
  # The CSV: the summary's loss, and per second the same losses as the saved run (below).
  grep -q "^lost,6$" "$work/$name.csv" &&
    [ "$(awk -F, 'NR > 1 && /^[0-9]+,/ {n += $9} END {print n}' "$work/$name.csv")" = 6 ] &&
    grep -Eq "^1,1\.000,[0-9]+,[0-9]+,[0-9]+,[1-9][0-9.]*,0,0,[0-9]+$" "$work/$name.csv" ||
    { cat "$work/$name.csv" >&2; return 1; }
  $py - "$work/$name-sub.out" "$work/$name.merged" "$out/$name.json" <<'PY'
import json, sys
sub = json.load(open(sys.argv[1]))
m = json.load(open(sys.argv[2]))
saved = json.load(open(sys.argv[3]))
# Alone, the subscribing instance cannot know what was lost: it never saw the publishers' counts.
assert sub["lost"] == 0 and sub["received"] == 2 * (3000 - 3), sub
assert m["instances"] == 2 and m["mode"] == "pub+sub", m
assert m["publishers"] == 3 and m["subscribers"] == 2, m
assert m["sent"] == 3000 and m["received"] == 2 * 2997, m
assert m["lost"] == 6 and m["duplicates"] == 0, m      # 3 skipped, each missed by 2 subscribers
lat = m["latency_us"]["from_intended"]
assert lat["count"] == 2 * 2997 and 0 < lat["p50"] <= lat["p99"] <= lat["max"], lat
# Losses are placed in the second they were sent: sequence 300 of each publisher, in the second
# its per-second count passed 300 (the first at 500/s, unless the machine held it back).
series = saved["totals"]["lost_series"]
expected = [0] * len(series)
for p in saved["records"]["publishers"]:
    expected[next(k for k, n in enumerate(p["taken_by_second"]) if n > 300)] += 2
assert sum(series) == 6 and series == expected, (series, expected)
# Publisher numbers: instance 1 of 2 runs 0, 2 and 4; no other numbers were heard.
assert sorted(p["index"] for p in saved["records"]["publishers"]) == [0, 2, 4], saved["records"]
assert sorted(h["publisher"] for h in saved["records"]["heard"]) == [0, 2, 4], saved["records"]
PY
}
check "mqtk-broker: pub 1/2 and sub 2/2 merge into one run; the loss shows only in the merge" \
  two_instances mqtk "$mqtk_port"
check "mosquitto: pub 1/2 and sub 2/2 merge into one run; the loss shows only in the merge" \
  two_instances mosquitto "$mosq_port"

compared() {
  "$bench" compare "$out/mosquitto.json" "$out/mqtk.json" --report "$out/compare.html" \
    >"$work/compare.txt" || return 1
  cat "$work/compare.txt"
  grep -Eq "^received/s +[0-9.]+ +[0-9.]+ +[0-9.]+x +msg/s$" "$work/compare.txt" &&
    grep -Eq "^p99 latency +[0-9.]+ +[0-9.]+ +[0-9.]+x +µs$" "$work/compare.txt" &&
    "$bench" compare "$out/mosquitto.json" "$out/mqtk.json" --json |
    $py -c 'import json,sys; j=json.load(sys.stdin); r={m["metric"]: m for m in j["metrics"]}; assert r["lost"]["a"] == 6 and r["lost"]["b"] == 6, r'
}
check "compare: mosquitto's merged run against mqtk-broker's, a ratio per figure" compared

# Two pubsub instances, one on two threads: every subscriber hears both instances' publishers.
pubsub_pair() {
  local at=$(($(date +%s) + 2))
  $T "$bench" -p "$mqtk_port" --instance 1/2 --start-at "$at" --publishers 3 --subscribers 2 \
    --threads 2 --rate 300 --count 450 -q 1 --save "$work/pp1.json" --quiet --json \
    >"$work/pp1.out" &
  local a=$!
  $T "$bench" -p "$mqtk_port" --instance 2/2 --start-at "$at" --publishers 2 --subscribers 1 \
    --rate 300 --count 450 -q 1 --skip-sequence 20 --save "$work/pp2.json" --quiet --json \
    >"$work/pp2.out" || return 1
  wait "$a" || return 1
  "$bench" merge "$work/pp1.json" "$work/pp2.json" --json |
    $py -c 'import json,sys; j=json.load(sys.stdin); assert j["publishers"] == 5 and j["subscribers"] == 3 and j["sent"] == 5 * 450 and j["lost"] == 2 * 3 and j["received"] == 3 * (5 * 450 - 2) and j["foreign"] == 0, j'
}
check "two pubsub instances (one on 2 threads): merged loss counts every subscriber" pubsub_pair

refusals() {
  "$bench" merge "$out/mqtk-pub.json" "$out/mqtk-pub.json" 2>"$work/err" >/dev/null
  [ $? -eq 2 ] && grep -q "instance 1/2 is given twice" "$work/err" || return 1
  echo '{"format": "something else"}' >"$work/other.json"
  "$bench" merge "$work/other.json" 2>"$work/err" >/dev/null
  [ $? -eq 2 ] && grep -q "other.json: not a run saved by mqtk-bench --save" "$work/err" || return 1
  head -c 700 "$out/mqtk-sub.json" >"$work/torn.json"
  "$bench" merge "$work/torn.json" 2>"$work/err" >/dev/null
  [ $? -eq 2 ] && grep -q "torn.json: not a readable mqtk-bench run" "$work/err" || return 1
  "$bench" merge "$out/mqtk-pub.json" 2>"$work/err" >/dev/null &&
    grep -q "warning: instance 2/2 is not among the files" "$work/err" || return 1
  "$bench" compare "$out/mqtk.json" 2>/dev/null
  [ $? -eq 2 ]
}
check "merge refuses an instance twice, foreign and torn files (exit 2); warns of a missing one" refusals

remerge() {
  # Merged runs merge again (their parts carried over); instances of different N do not.
  "$bench" merge "$work/pp1.json" --save "$work/pp1-merged.json" >/dev/null 2>&1 &&
    "$bench" merge "$work/pp1-merged.json" "$work/pp2.json" --json 2>"$work/err" >"$work/again" &&
    "$bench" merge "$work/pp1.json" "$work/pp2.json" --json >"$work/once" 2>/dev/null || return 1
  [ ! -s "$work/err" ] || { cat "$work/err" >&2; return 1; }
  $py - "$work/again" "$work/once" <<'PY' || return 1
import json, sys
again, once = (json.load(open(p)) for p in sys.argv[1:3])
assert again["instance"] == 0 and again["instances"] == 2, again
for k in ("sent", "received", "lost", "duplicates", "publishers", "subscribers"):
    assert again[k] == once[k], (k, again[k], once[k])
assert again["latency_us"] == once["latency_us"], (again["latency_us"], once["latency_us"])
PY
  $py - "$out/mqtk-sub.json" "$work/n3.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
j["run"]["instances"] = 3
json.dump(j, open(sys.argv[2], "w"))
PY
  "$bench" merge "$out/mqtk-pub.json" "$work/n3.json" 2>"$work/err" >/dev/null
  [ $? -eq 2 ] && grep -q "another file is of 2 instances" "$work/err"
}
check "a merged run merges again, to the same figures; instances of 2 and of 3 do not mix" remerge

# Damaged files: every field of a saved run replaced in turn by something wrong. merge must
# refuse (2) or merge (0), never crash or hang.
damaged() {
  $py - "$out/mqtk-pub.json" "$out/mqtk-sub.json" "$work/damaged" <<'PY' || return 1
import json, os, random, sys
random.seed(19)
os.makedirs(sys.argv[3], exist_ok=True)
bad = [-1, 2**64, 2**63, 1e308, "x", None, [], {}, [[1, 2, 3]], [[9999999, 1]], 0, 10**12]
def paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for k, v in node.items():
            yield from paths(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node[:3]):
            yield from paths(v, path + (i,))
n = 0
for src in sys.argv[1:3]:
    base = json.load(open(src))
    every = [p for p in paths(base) if p]
    for p in random.sample(every, min(150, len(every))):
        j = json.loads(json.dumps(base))
        node = j
        for k in p[:-1]:
            node = node[k]
        node[p[-1]] = random.choice(bad)
        json.dump(j, open(os.path.join(sys.argv[3], f"{n}-{os.path.basename(src)}"), "w"))
        n += 1
PY
  local f rc
  for f in "$work"/damaged/*-mqtk-pub.json "$work"/damaged/*-mqtk-sub.json; do
    case $f in
    *-mqtk-pub.json) timeout 10 "$bench" merge "$f" "$out/mqtk-sub.json" --report "$work/d.html" >/dev/null 2>&1 ;;
    *) timeout 10 "$bench" merge "$out/mqtk-pub.json" "$f" --report "$work/d.html" >/dev/null 2>&1 ;;
    esac
    rc=$?
    [ $rc -eq 0 ] || [ $rc -eq 2 ] || { echo "$f: exit $rc" >&2; return 1; }
  done
}
check "merge of 300 damaged saved runs: each merged or refused (exit 0 or 2), none crashes" damaged
finish
