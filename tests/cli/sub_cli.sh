#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mqtk-sub as a user meets it, against mqtk-broker with mqtk-pub publishing: exit codes, -v, -C,
# -T, -j (shape and payload encodings), and `| head -1` exiting 0.
# usage: sub_cli.sh PATH/TO/mqtk-sub PATH/TO/mqtk-pub PATH/TO/mqtk-broker
. "$(dirname "$0")/../interop/lib.sh"
. "$(dirname "$0")/tools.sh"
sub=$1
pub=$2
start_broker "$3"
T="timeout 20"

check "--help exits 0" bash -c "'$sub' --help >/dev/null"
check "a bad flag exits 2" bash -c "'$sub' --bogus 2>/dev/null; [ \$? -eq 2 ]"
check "a bad filter exits 2" bash -c "'$sub' -p $port -t 'a/#/b' 2>/dev/null; [ \$? -eq 2 ]"
check "no broker exits 3" bash -c "'$sub' -p 1 -t a 2>/dev/null; [ \$? -eq 3 ]"
check "-W with nothing arriving exits 6" bash -c "'$sub' -p $port -t quiet -W 1 2>/dev/null; [ \$? -eq 6 ]"

verbose() {
  $T "$sub" -p "$port" -t 'v/#' -T 'v/skip' -v -C 2 -q 1 >"$work/v" &
  local s=$!
  sleep 0.4
  "$pub" -p "$port" -t v/one -m first -q 1
  "$pub" -p "$port" -t v/skip -m hidden
  "$pub" -p "$port" -t v/two -m second
  wait "$s" && [ "$(cat "$work/v")" = $'v/one first\nv/two second' ]
}
check "-v prints topic and payload, -T filters out, -C 2 exits 0" verbose

json() {
  $T "$sub" -p "$port" -t 'j/#' -j -C 3 >"$work/j" &
  local s=$!
  sleep 0.4
  printf '\x00\xff\x10' >"$work/bin"
  "$pub" -p "$port" -t j/json -m '{"a":[1,2]}'
  "$pub" -p "$port" -t j/text -m 'plain text'
  "$pub" -p "$port" -t j/bin -f "$work/bin"
  wait "$s" && /usr/bin/python3 - "$work/j" <<'PY'
import base64, json, re, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert [l["topic"] for l in lines] == ["j/json", "j/text", "j/bin"], lines
assert lines[0]["payload_encoding"] == "json" and lines[0]["payload"] == {"a": [1, 2]}
assert lines[1]["payload_encoding"] == "utf8" and lines[1]["payload"] == "plain text"
assert lines[2]["payload_encoding"] == "base64" and base64.b64decode(lines[2]["payload"]) == b"\x00\xff\x10"
for l in lines:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", l["timestamp"]), l
    assert l["qos"] == 0 and l["retain"] is False
PY
}
check "-j writes one JSON object per line: json, utf8 and base64 payloads, RFC 3339 microseconds" json

head_one() {
  ( $T "$sub" -p "$port" -t h ; echo "$?" >"$work/h.status" ) | head -1 >"$work/h" &
  local s=$!
  sleep 0.4
  "$pub" -p "$port" -t h -m one
  # mqtk-sub notices the closed pipe on its next write: keep messages coming until it exits.
  for _ in $(seq 100); do [ -s "$work/h.status" ] && break; "$pub" -p "$port" -t h -m more; sleep 0.05; done
  wait "$s" && [ "$(cat "$work/h")" = one ] && [ "$(cat "$work/h.status")" = 0 ]
}
check "mqtk-sub | head -1 exits 0 quietly" head_one

closed_stderr() { # -d traces into a pipe whose reader is gone: still delivers, acks one, exits 0
  "$sub" -p "$port" -c -i errgone -q 1 -t errq -E || return 1
  "$pub" -p "$port" -t errq -m job1 -q 1 && "$pub" -p "$port" -t errq -m job2 -q 1 || return 1
  local run='import os, subprocess, sys
r, w = os.pipe()
os.close(r)
p = subprocess.run(sys.argv[1:], stderr=w, stdout=subprocess.PIPE, timeout=15)
sys.stdout.write(p.stdout.decode() + "exit=%d" % p.returncode)'
  local first second
  first=$(/usr/bin/python3 -c "$run" "$sub" -p "$port" -c -i errgone -q 1 -t errq -C 1 -d) || return 1
  second=$($T "$sub" -p "$port" -c -i errgone -q 1 -t errq -C 1 -W 5)
  [ "$first" = $'job1\nexit=0' ] && [ "$second" = job2 ] ||
    { echo "first: $first second: $second" >&2; return 1; }
}
check "-d with standard error closed by its reader: the message, one ack, exit 0" closed_stderr

one_job_per_run() { # VERSION [PORT]: -C 1 on a persistent session takes one queued job, acks one
  local v=$1 p=${2:-$port} got="" i
  "$sub" -p "$p" -V "$v" -c -i "worker$v" -q 1 -t "jobq$v" -E || return 1
  for i in 1 2 3 4 5; do "$pub" -p "$p" -V "$v" -t "jobq$v" -m "job$i" -q 1 || return 1; done
  for i in 1 2 3 4 5; do
    got+="$($T "$sub" -p "$p" -V "$v" -c -i "worker$v" -q 1 -t "jobq$v" -C 1 -W 5) "
  done
  [ "$got" = "job1 job2 job3 job4 job5 " ] || { echo "got: $got" >&2; return 1; }
}
check "-C 1 hands out one queued job per run and acknowledges no more (5.0)" one_job_per_run 5
check "-C 1 hands out one queued job per run and acknowledges no more (3.1.1)" one_job_per_run 311

check "two 3.1.1 clients with one id back off more and more, naming the id" takeover_fight

taken_over_once() { # v5: exit 7, the reason named once (mqtk-broker's Reason String repeats it)
  "$sub" -p "$port" -i twice -t x >/dev/null 2>"$work/t1" &
  local first=$!
  sleep 0.5
  timeout 1 "$sub" -p "$port" -i twice -t x >/dev/null 2>&1
  wait "$first"
  local status=$?
  [ "$status" -eq 7 ] &&
    grep -qx "mqtk-sub: the broker ended the connection: 0x8e Session taken over" "$work/t1" ||
    { echo "exit $status" >&2; cat "$work/t1" >&2; return 1; }
}
check "a v5 takeover exits 7 naming the reason once" taken_over_once

per_topic_qos() { # each -q after its -t, granted as asked; one -q is every topic's
  local out
  out=$($T "$sub" -p "$port" -t pq/a -q 1 -t pq/b -q 2 -t pq/c -q 0 -E -d 2>&1) || return 1
  grep -q '"pq/a" qos=1 .*"pq/b" qos=2 .*"pq/c" qos=0' <<<"$out" &&
    grep -q 'SUBACK(id=1, 0x01 Granted QoS 1, 0x02 Granted QoS 2, 0x00 Success)' <<<"$out" ||
    { echo "$out" >&2; return 1; }
  out=$($T "$sub" -p "$port" -q 2 -t pq/a -t pq/b -E -d 2>&1) || return 1
  grep -q '"pq/a" qos=2 .*"pq/b" qos=2' <<<"$out" || { echo "$out" >&2; return 1; }
  local status=0
  out=$("$sub" -p "$port" -t pq/a -q 1 -t pq/b -q 2 -t pq/c 2>&1) || status=$?
  [ "$status" -eq 2 ] && grep -qF -- "-t pq/c has no -q after it" <<<"$out" || return 1
  status=0
  out=$("$sub" -p "$port" -t pq/a -q 1 -q 2 2>&1) || status=$?
  [ "$status" -eq 2 ] && grep -qF -- "-q 2 follows no -t of its own" <<<"$out"
}
check "per-topic QoS: -t a -q 1 -t b -q 2 granted as asked in SUBACK" per_topic_qos
finish
