#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mqtk-pub and mqtk-sub together against mqtk-broker: record and replay with -j/--jsonl byte for
# byte, -F codes, v5 properties and subscription options, request/response, options files, -U,
# -E, --remove-retained, --unix, and resubscribing after the broker restarts.
# usage: pub_sub_cli.sh PATH/TO/mqtk-pub PATH/TO/mqtk-sub PATH/TO/mqtk-broker
. "$(dirname "$0")/../interop/lib.sh"
. "$(dirname "$0")/tools.sh"
pub=$1
sub=$2
broker=$3
start_broker "$broker" --unix "$work/broker.sock"
T="timeout 30"

replay() {
  printf 'plain text' >"$work/p1"
  printf '{"compact":[1,2.5,"x"]}' >"$work/p2"
  printf '{"spaced": true}\n' >"$work/p3"
  head -c 512 /dev/urandom >"$work/p4"
  printf '' >"$work/p5"
  printf '{"temp": 21.50, "unit": "C"}' >"$work/p6"
  sub_bg "$work/capture.jsonl" -t 'rec/#' -j -C 6 -q 1
  for i in 1 2 3 4 5 6; do "$pub" -p "$port" -t "rec/$i" -f "$work/p$i" -q 1 || return 1; done
  wait "$sub_pid" || return 1
  grep -q '"payload_encoding":"json","payload":{"compact"' "$work/capture.jsonl" || return 1
  # Device JSON with spaces is JSON too, as `jq .payload.temp` needs; a line per message.
  /usr/bin/python3 -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
by_topic = {l["topic"]: l for l in lines}
assert len(lines) == 6, len(lines)
assert by_topic["rec/6"]["payload"]["temp"] == 21.5, by_topic["rec/6"]
assert by_topic["rec/3"]["payload"] == {"spaced": True}, by_topic["rec/3"]
' "$work/capture.jsonl" || return 1
  sub_bg "$work/replayed" -t 'rec/#' -C 6 -q 1 -F '%t %x'
  "$pub" -p "$port" --jsonl <"$work/capture.jsonl" || return 1
  wait "$sub_pid" || return 1
  for i in 1 2 3 4 5 6; do
    [ "$(grep "^rec/$i " "$work/replayed")" = "rec/$i $(od -An -v -tx1 "$work/p$i" | tr -d ' \n')" ] ||
      { echo "rec/$i differs" >&2; return 1; }
  done
}
check "mqtk-sub -j > f; mqtk-pub --jsonl < f replays text, JSON (spaced too) and binary byte for byte" replay

format_codes() {
  sub_bg "$work/fmt" -t 'fmt/#' -C 1 -q 1 --subscription-id 7 \
    -F '%t|%p|%x|%X|%l|%q|%r|%C|%R|%D|%E|%F|%P|%S|%-6p|%4l|%.3t|%%|@@\t.'
  "$pub" -p "$port" -t fmt/a -m 'Hi!' -q 1 --content-type text/plain --response-topic re/x \
    --correlation-data cid --message-expiry 300 --payload-format 1 --user-property k=v \
    -D publish user-property k2 v2
  wait "$sub_pid" &&
    [ "$(cat "$work/fmt")" = $'fmt/a|Hi!|486921|486921|3|1|0|text/plain|re/x|cid|300|1|k2:v2 k:v|7|Hi!   |   3|fmt|%|@\t.' ]
}
check "-F codes with v5 properties, widths and escapes" format_codes

times() {
  sub_bg "$work/time" -t time -C 1 -F '%U|%I|@Y-@m-@d'
  "$pub" -p "$port" -t time -m x
  wait "$sub_pid" && grep -Eq "^[0-9]{10}\.[0-9]{9}\|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[+-][0-9]{4}\|$(date +%Y-%m-%d)$" "$work/time"
}
check "-F time codes %U %I and @ strftime codes" times

json_props() {
  sub_bg "$work/jp" -t jp -C 1 -j
  "$pub" -p "$port" -t jp -m '{"v":1}' --user-property a=b --content-type application/json
  wait "$sub_pid" &&
    grep -q '"payload_encoding":"json","payload":{"v":1},"properties":{"content_type":"application/json","user_properties":\[\["a","b"\]\]}' "$work/jp"
}
check "-j carries v5 properties" json_props

pretty() {
  sub_bg "$work/pretty" -t pr -C 1 --pretty
  "$pub" -p "$port" -t pr -m '{"a":[1,2]}'
  wait "$sub_pid" && [ "$(cat "$work/pretty")" = $'{\n  "a": [\n    1,\n    2\n  ]\n}' ]
}
check "--pretty indents JSON payloads" pretty

request_response() {
  # The responder: takes one request, answers on its Response Topic with its Correlation Data.
  ( read -r topic cid < <($T "$sub" -p "$port" -t svc/req -C 1 -F '%R %D' -d 2>"$work/rr.trace")
    "$pub" -p "$port" -t "$topic" --correlation-data "$cid" -m "pong to $cid" ) &
  local responder=$!
  wait_for "<- SUBACK" "$work/rr.trace" || return 1
  local out
  out=$("$pub" -p "$port" -t svc/req -m ping --wait-response 10) || return 1
  wait "$responder" && [[ "$out" =~ ^pong\ to\ [0-9a-f]{32}$ ]]
}
check "--wait-response prints the matching response and exits 0" request_response
no_response() {
  "$pub" -p "$port" -t svc/nobody -m ping --wait-response 0.5 2>/dev/null
  [ $? -eq 6 ]
}
check "--wait-response without a responder exits 6" no_response

# responders N TOPIC: N responders answering one request each on TOPIC, as "pong-K".
responders() {
  local k
  for k in $(seq "$1"); do
    ( read -r topic cid < <($T "$sub" -p "$port" -t "$2" -C 1 -F '%R %D' -d 2>"$work/rr$k.trace")
      "$pub" -p "$port" -t "$topic" --correlation-data "$cid" -m "{\"pong\": $k}" ) &
    pids+=($!)
    wait_for "<- SUBACK" "$work/rr$k.trace" || return 1
  done
}
rr_output() { # the response printed as mqtk-sub would (-v, -F, -j), -C 2 responses, --latency
  responders 1 svc/v || return 1
  local out
  out=$($T "$pub" -p "$port" -t svc/v -m ping --wait-response 10 -v --color never) || return 1
  [[ "$out" == mqtk/response/*' {"pong": 1}' ]] || { echo "-v: $out" >&2; return 1; }
  responders 2 svc/two || return 1
  out=$($T "$pub" -p "$port" -t svc/two -m ping --wait-response 10 -C 2 -F '%p|%C' --latency \
    2>"$work/rr.err") || return 1
  [ "$(sort <<<"$out" | tr '\n' ' ')" = '{"pong": 1}| {"pong": 2}| ' ] &&
    [ "$(grep -cE '^mqtk-pub: response [12] after [0-9]+\.[0-9]{3} ms$' "$work/rr.err")" -eq 2 ] ||
    { echo "-C 2: $out / $(cat "$work/rr.err")" >&2; return 1; }
  responders 1 svc/j || return 1
  out=$($T "$pub" -p "$port" -t svc/j -m ping --wait-response 10 -j -V auto) || return 1
  /usr/bin/python3 -c 'import json,sys; assert json.loads(sys.argv[1])["payload"]["pong"] == 1' "$out" ||
    return 1
  # Response flags without --wait-response say what they are for.
  local status=0
  out=$("$pub" -p "$port" -t svc/j -m ping -C 2 2>&1) || status=$?
  [ "$status" -eq 2 ] && grep -q "need --wait-response" <<<"$out"
}
check "--wait-response prints as mqtk-sub (-v, -F, -j), waits for -C responses, --latency, -V auto" \
  rr_output

topic_lines() {
  sub_bg "$work/tl" -t 'tl/#' -C 3 -v
  printf 'tl/a one\ntl/b two words\n' | "$pub" -p "$port" --topic-per-line -q 1 || return 1
  printf 'tl/c|three\n' | "$pub" -p "$port" --topic-per-line --separator '|' || return 1
  wait "$sub_pid" && [ "$(cat "$work/tl")" = $'tl/a one\ntl/b two words\ntl/c three' ]
}
check "--topic-per-line and --separator" topic_lines
bad_line() {
  sub_bg "$work/bl" -t 'bl/#' -C 2 -v
  local err
  err=$(printf '{"topic":"bl/1","payload":1}\n{"topic":"bl/2","payload":2}\n{"topic":"bl/#"}\n' |
    "$pub" -p "$port" --jsonl -q 1 2>&1)
  [ $? -eq 2 ] && grep -q "line 3: topic 'bl/#'" <<<"$err" && wait "$sub_pid" &&
    [ "$(cat "$work/bl")" = $'bl/1 1\nbl/2 2' ]
}
check "a bad --jsonl line exits 2 naming it, after sending the lines before it" bad_line

options_file() {
  mkdir -p "$work/xdg/mqtk"
  printf '# defaults\n-p %s\n--qos 1\n-t from/xdg\n' "$port" >"$work/xdg/mqtk/mqtk-pub.conf"
  printf -- '-p %s\n-t from/o\n' "$port" >"$work/o.conf"
  sub_bg "$work/of" -t 'from/#' -C 2 -q 1 -F '%t %q %p'
  XDG_CONFIG_HOME="$work/xdg" "$pub" -m a || return 1
  XDG_CONFIG_HOME="$work/xdg" "$pub" -o "$work/o.conf" -m b || return 1
  wait "$sub_pid" && [ "$(cat "$work/of")" = $'from/xdg 1 a\nfrom/o 0 b' ] || return 1
  XDG_CONFIG_HOME="$work/xdg" "$pub" -o "$work/missing.conf" -m c 2>/dev/null
  [ $? -eq 2 ]
}
check "options file: XDG default, -o FILE, a missing -o FILE exits 2" options_file
output_mode_wins() { # -v in the options file, -F or -j on the command line: the command line wins
  mkdir -p "$work/xdg3/mqtk"
  printf -- '-v\n' >"$work/xdg3/mqtk/mqtk-sub.conf"
  "$pub" -p "$port" -t om/1 -m hello -r -q 1 || return 1
  [ "$(XDG_CONFIG_HOME="$work/xdg3" "$sub" -p "$port" -t om/1 -C 1 -F '[%p]')" = "[hello]" ] &&
    XDG_CONFIG_HOME="$work/xdg3" "$sub" -p "$port" -t om/1 -C 1 -j | grep -q '"payload":"hello"' &&
    [ "$(XDG_CONFIG_HOME="$work/xdg3" "$sub" -p "$port" -t om/1 -C 1)" = "om/1 hello" ] &&
    ! "$sub" -p "$port" -t om/1 -C 1 -v -F '%p' 2>/dev/null # both on the command line: still an error
}
check "an output mode on the command line replaces the options file's (-v there, -F or -j here)" output_mode_wins
env_between() {
  # The environment ranks above the options file, below the command line.
  mkdir -p "$work/xdg2/mqtk"
  printf -- '-p 1\n' >"$work/xdg2/mqtk/mqtk-pub.conf"
  XDG_CONFIG_HOME="$work/xdg2" MQTK_PORT=$port "$pub" -t e -m x &&
    ! XDG_CONFIG_HOME="$work/xdg2" MQTK_PORT=$port "$pub" -p 1 -t e -m x 2>/dev/null
}
check "MQTK_PORT beats the options file; -p beats MQTK_PORT" env_between

disconnect_props() {
  "$pub" -p "$port" -t a -m x -x 10 -D disconnect user-property bye now -d 2>&1 |
    grep -qF -- '-> DISCONNECT(code=0x00 Success, props={user_property="bye":"now"})' || return 1
  "$pub" -p "$port" -t a -m x -D disconnect session-expiry-interval 5 2>/dev/null
  [ $? -eq 2 ]
}
check "-D disconnect properties reach the DISCONNECT; an expiry without -x exits 2" disconnect_props

unix_socket() {
  sub_bg "$work/ux" -t ux -C 1
  "$pub" --unix "$work/broker.sock" -t ux -m via-unix && wait "$sub_pid" && [ "$(cat "$work/ux")" = via-unix ]
}
check "--unix PATH connects over a Unix socket" unix_socket
bind_address() {
  sub_bg "$work/ba" -t ba -C 1
  "$pub" -h 127.0.0.1 -A 127.0.0.1 -p "$port" -t ba -m bound && wait "$sub_pid" &&
    ! "$pub" -A not-an-address -p "$port" -t ba -m x 2>/dev/null
}
check "-A binds the local address; a bad one exits 2" bind_address

unsubscribe_exit() {
  "$sub" -p "$port" -i keeper -c -q 1 -t keep/a -E || return 1
  "$pub" -p "$port" -t keep/a -m queued -q 1
  [ "$($T "$sub" -p "$port" -i keeper -c -q 1 -t keep/a -C 1)" = queued ] || return 1
  "$sub" -p "$port" -i keeper -c -U keep/a || return 1
  "$pub" -p "$port" -t keep/a -m dropped -q 1
  # The session no longer has the subscription: nothing queued for it.
  ! $T "$sub" -p "$port" -i keeper -c -t keep/other -W 1 -C 1 2>/dev/null
}
check "-E prepares a persistent session, -U removes a subscription from it" unsubscribe_exit

retained_tools() {
  "$pub" -p "$port" -t ret/1 -m one -r && "$pub" -p "$port" -t ret/2 -m two -r || return 1
  [ -z "$($T "$sub" -p "$port" -t 'ret/#' --retain-handling 2 -W 1 2>/dev/null)" ] || return 1
  [ "$($T "$sub" -p "$port" -t 'ret/#' -v --retained-only --remove-retained -C 2 | sort)" = $'ret/1 one\nret/2 two' ] || return 1
  [ -z "$($T "$sub" -p "$port" -t 'ret/#' -W 1 2>/dev/null)" ]
}
check "--retain-handling 2, --retained-only and --remove-retained" retained_tools

fake_v311() { # URL_SCHEME [--ws]
  # A broker that speaks only 3.1.1: refuses protocol level 5 with return code 1.
  rm -f "$work/fake.port" "$work/fake.log"
  /usr/bin/python3 "$(dirname "$0")/broker_311_only.py" "$work/fake.port" "$work/fake.log" "${@:2}" &
  pids+=($!)
  for _ in $(seq 200); do [ -s "$work/fake.port" ] && break; sleep 0.025; done
  $T "$pub" -L "$1://127.0.0.1:$(cat "$work/fake.port")" -t v -m hi -V auto 2>"$work/fake.err" ||
    { cat "$work/fake.err" >&2; return 1; }
  for _ in $(seq 200); do grep -q then "$work/fake.log" && break; sleep 0.025; done
  grep -q "trying MQTT 3.1.1" "$work/fake.err" &&
    [ "$(cat "$work/fake.log")" = $'CONNECT level 5\nCONNECT level 4\nthen 30050001766869e000' ] ||
    { cat "$work/fake.log" "$work/fake.err" >&2; return 1; }
}
check "-V auto falls back to 3.1.1 when the broker refuses 5" fake_v311 mqtt
# Over a layer the refusal arrives inside WebSocket frames (this crashed when the fallback
# replaced the layer under the read that delivered the refusal).
check "-V auto falls back to 3.1.1 over WebSocket too" fake_v311 ws --ws

v5_refused_hint() { # a 3.1.1-only broker refusing -V 5: the message says what to try
  rm -f "$work/fake.port"
  /usr/bin/python3 "$(dirname "$0")/broker_311_only.py" "$work/fake.port" "$work/fake.log" &
  pids+=($!)
  for _ in $(seq 200); do [ -s "$work/fake.port" ] && break; sleep 0.025; done
  local out status=0
  out=$($T "$pub" -p "$(cat "$work/fake.port")" -V 5 -t v -m hi 2>&1) || status=$?
  [ "$status" -eq 4 ] && grep -q "0x84 Unsupported Protocol Version; it may speak only MQTT 3.1.1: try -V 311, or -V auto" <<<"$out" ||
    { echo "status $status: $out" >&2; return 1; }
}
check "a broker refusing MQTT 5 gets the hint -V 311 or -V auto" v5_refused_hint

# rss_of OUT KB-FILE CMD...: runs CMD with stdout to OUT; its peak RSS (KiB) goes to KB-FILE.
rss_of() {
  /usr/bin/python3 -c '
import os, subprocess, sys
p = subprocess.Popen(sys.argv[3:], stdout=open(sys.argv[1], "wb"))
_, status, usage = os.wait4(p.pid, 0)
open(sys.argv[2], "w").write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))' "$@"
}

big_message() { # VERSION: a 50 MB message costs mqtk-sub about one copy of itself
  head -c 50000000 /dev/urandom >"$work/big"
  # Queued on a persistent session first, so no trace (-d, which decodes a second copy) is
  # needed to know the subscription is there.
  local session=(-p "$port" -V "$1" -c -i "big$1" -x 60 -q 1 -t "big/$1")
  [ "$1" = 311 ] && session=(-p "$port" -V 311 -c -i "big$1" -q 1 -t "big/$1")
  "$sub" "${session[@]}" -E || return 1
  "$pub" -p "$port" -t "big/$1" -f "$work/big" -q 1 || return 1
  rss_of "$work/big.out" "$work/big.rss" $T "$sub" "${session[@]}" -C 1 -N || return 1
  cmp -s "$work/big" "$work/big.out" || { echo "the payload differs" >&2; return 1; }
  local kb
  kb=$(cat "$work/big.rss")
  echo "# mqtk-sub -V $1 peak RSS for a 50,000,000-byte message: $kb KiB"
  [ -n "${MQTK_SANITIZED:-}" ] && return 0 # ASan's quarantine and shadow memory: reported only
  [ "$kb" -lt $((50000000 * 3 / 2 / 1024)) ] # under 1.5 copies (it was 2.9 before)
}
check "a 50 MB message peaks mqtk-sub under 1.5x its size (MQTT 5)" big_message 5
check "a 50 MB message peaks mqtk-sub under 1.5x its size (MQTT 3.1.1)" big_message 311

max_packet_size() { # v5: announced, so the broker drops the big one; 3.1.1: refused here
  head -c 20000 /dev/zero >"$work/20k"
  sub_bg "$work/mps5" -t mps/5 -C 1 -q 1 --max-packet-size 10000
  grep -q "maximum_packet_size=10000" "$work/mps5.trace" || { echo "not announced" >&2; return 1; }
  "$pub" -p "$port" -t mps/5 -f "$work/20k" -q 1 && "$pub" -p "$port" -t mps/5 -m small -q 1 &&
    wait "$sub_pid" && [ "$(cat "$work/mps5")" = small ] || return 1
  sub_bg "$work/mps3" -V 311 -t mps/3 -C 1 -q 1 --max-packet-size 10000 --no-reconnect
  "$pub" -p "$port" -t mps/3 -f "$work/20k" -q 1 || return 1
  local status=0
  wait "$sub_pid" || status=$?
  [ "$status" -eq 7 ] && grep -q "raise --max-packet-size" "$work/mps3.trace" ||
    { echo "status $status" >&2; cat "$work/mps3.trace" >&2; return 1; }
  # Left queued on no session (clean): nothing to tidy. Both at once are refused.
  "$sub" -p "$port" -t x --max-packet-size 100 -D connect maximum-packet-size 100 2>/dev/null
  [ $? -eq 2 ]
}
check "--max-packet-size: announced in MQTT 5 (the broker drops larger), enforced in 3.1.1" \
  max_packet_size

restart() {
  local p=$port
  sub_bg "$work/rs" -t 'rs/#' -C 2 -v
  "$pub" -p "$p" -t rs/1 -m before || return 1
  kill "$broker_pid"; wait "$broker_pid" 2>/dev/null
  "$broker" -p "$p" --sys-interval 0 2>>"$work/broker.log" &
  broker_pid=$!
  pids+=("$broker_pid")
  # The subscriber reconnects with back-off and subscribes again (mqtk-broker keeps no sessions
  # across a restart, so session_present is 0).
  wait_for "reconnecting" "$work/rs.trace" || return 1
  for _ in $(seq 400); do [ "$(grep -c '<- SUBACK' "$work/rs.trace")" -ge 2 ] && break; sleep 0.025; done
  "$pub" -p "$p" -t rs/2 -m after && wait "$sub_pid" && [ "$(cat "$work/rs")" = $'rs/1 before\nrs/2 after' ]
}
check "mqtk-sub reconnects and resubscribes after the broker restarts" restart
no_reconnect() {
  sub_bg "$work/nr" -t nr --no-reconnect
  kill "$broker_pid"; wait "$broker_pid" 2>/dev/null
  wait "$sub_pid"
  [ $? -eq 7 ]
}
check "--no-reconnect exits 7 when the broker goes away" no_reconnect

finish
