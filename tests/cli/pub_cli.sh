#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mqtk-pub as a user meets it, against mqtk-broker with mosquitto_sub listening: every payload
# source, exit codes 0/2/3/4 provoked for real (3 also for a TLS handshake that stalls), 100,000
# QoS 1 lines exactly once.
# usage: pub_cli.sh PATH/TO/mqtk-pub PATH/TO/mqtk-broker
. "$(dirname "$0")/../interop/lib.sh"
pub=$1
start_broker "$2"
T="timeout 30"

receive() { # OUT COUNT TOPIC: background subscriber
  $T mosquitto_sub -p "$port" -t "$3" -C "$2" -q 1 -N >"$1" &
  sub_pid=$!
  sleep 0.4
}

check "--help exits 0" bash -c "'$pub' --help >/dev/null"
check "--version names the version" bash -c "'$pub' --version | grep -q '^mqtk-pub [0-9]'"
check "a bad flag exits 2" bash -c "'$pub' --bogus 2>/dev/null; [ \$? -eq 2 ]"
check "a wildcard topic exits 2" bash -c "'$pub' -p $port -t 'a/#' -m x 2>/dev/null; [ \$? -eq 2 ]"
check "two payload sources exit 2" bash -c "'$pub' -p $port -t a -m x -n 2>/dev/null; [ \$? -eq 2 ]"
check "a bad MQTK_PORT exits 2" bash -c "MQTK_PORT=abc '$pub' -t a -m x 2>/dev/null; [ \$? -eq 2 ]"
check "MQTK_PORT is used" bash -c "MQTK_PORT=$port '$pub' -t env -m x"
check "no broker exits 3" bash -c "'$pub' -p 1 -t a -m x 2>/dev/null; [ \$? -eq 3 ]"
silent_tls() {
  # A listener that accepts and never answers the TLS handshake: --connect-timeout covers the
  # handshake too, so this exits 3 instead of waiting forever.
  /usr/bin/python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
open(sys.argv[1], "w").write(str(s.getsockname()[1])); c = s.accept(); time.sleep(30)' "$work/silent.port" &
  pids+=($!)
  for _ in $(seq 200); do [ -s "$work/silent.port" ] && break; sleep 0.025; done
  local out
  out=$($T "$pub" -L "mqtts://127.0.0.1:$(cat "$work/silent.port")/a" -m x --connect-timeout 1 2>&1)
  [ $? -eq 3 ] && grep -q "could not reach 127.0.0.1:.*timed out" <<<"$out"
}
check "a TLS handshake that never completes exits 3 at --connect-timeout" silent_tls

message() {
  receive "$work/m" 1 m
  "$pub" -p "$port" -t m -m "hello there" && wait "$sub_pid" && [ "$(cat "$work/m")" = "hello there" ]
}
check "-m" message
file() {
  head -c 3000 /dev/urandom >"$work/blob"
  receive "$work/f" 1 f
  "$pub" -p "$port" -t f -f "$work/blob" -q 1 && wait "$sub_pid" && cmp -s "$work/blob" "$work/f"
}
check "-f sends a binary file byte for byte" file
null() {
  receive "$work/n" 1 n
  "$pub" -p "$port" -t n -n -q 2 -V 311 && wait "$sub_pid" && [ ! -s "$work/n" ]
}
check "-n (QoS 2, MQTT 3.1.1)" null
stdin_all() {
  receive "$work/s" 1 s
  printf 'line one\nline two\n' | "$pub" -p "$port" -t s -s && wait "$sub_pid" &&
    [ "$(cat "$work/s")" = $'line one\nline two' ]
}
check "-s sends all of stdin as one message" stdin_all
url() {
  receive "$work/u" 1 from/url
  "$pub" -L "mqtt://127.0.0.1:$port/from/url" -m via-url && wait "$sub_pid" && [ "$(cat "$work/u")" = via-url ]
}
check "-L mqtt://HOST:PORT/TOPIC" url
lines() { # COUNT QOS
  $T mosquitto_sub -p "$port" -t "l$2" -C "$1" -q "$2" >"$work/l$2" &
  local sub=$!
  sleep 0.4
  seq "$1" | "$pub" -p "$port" -t "l$2" -l -q "$2" && wait "$sub" &&
    [ "$(wc -l <"$work/l$2")" -eq "$1" ] && [ "$(sort -un "$work/l$2" | wc -l)" -eq "$1" ]
}
check "100,000 lines through -l -q 1 arrive exactly once" lines 100000 1
check "100,000 lines through -l -q 0 all arrive (loopback, fast subscriber)" lines 100000 0

refused() {
  printf 'listener 0\nallow_anonymous false\n' >"$work/auth.conf"
  "$2" -c "$work/auth.conf" --port-file "$work/auth.port" --sys-interval 0 2>/dev/null &
  pids+=($!)
  for _ in $(seq 200); do [ -s "$work/auth.port" ] && break; sleep 0.025; done
  local out
  out=$("$pub" -p "$(cat "$work/auth.port")" -t a -m x 2>&1)
  [ $? -eq 4 ] && grep -q "refused the connection: 0x87 Not authorized" <<<"$out"
}
check "a refused CONNECT exits 4 naming the reason" refused "$pub" "$2"

clear_retained() { # -r -m '' is how mosquitto users clear a retained message
  "$pub" -p "$port" -t clear/me -m kept -r -q 1 &&
    "$pub" -p "$port" -t clear/me -r -m '' -q 1 &&
    [ -z "$(timeout 5 mosquitto_sub -p "$port" -t clear/me -W 1 2>/dev/null)" ]
}
check "-r -m '' clears a retained message" clear_retained
localhost_both() { # localhost is 127.0.0.1, then ::1, whatever /etc/hosts says (RFC 6761)
  local six six_pid got
  rm -f "$work/six.port"
  "$1" -L '[::1]:0' --port-file "$work/six.port" --sys-interval 0 2>/dev/null &
  six_pid=$!
  pids+=("$six_pid")
  for _ in $(seq 200); do [ -s "$work/six.port" ] && break; sleep 0.025; done
  six=$(head -1 "$work/six.port")
  $T "$pub" -h localhost -p "$port" -t lh/four -m 4 -q 1 &&
    $T "$pub" -h localhost -p "$six" -t lh/six -m 6 -q 1 -r || return 1
  got=$(timeout 5 mosquitto_sub -h ::1 -p "$six" -t lh/six -C 1 -W 3) && [ "$got" = 6 ]
}
check "-h localhost reaches a broker on 127.0.0.1 and one only on ::1" localhost_both "$2"

no_id() {
  local out status=0
  out=$("$pub" -p "$port" -t a -m x -c 2>&1) || status=$?
  [ "$status" -eq 2 ] && grep -q "add -i ID" <<<"$out"
}
check "-c without -i is refused (the session could never be resumed)" no_id

too_large() { # the refusal names both sizes and where the limit is raised
  "$2" -p 0 --port-file "$work/small.port" --max-packet-size 1000 --sys-interval 0 2>/dev/null &
  pids+=($!)
  for _ in $(seq 200); do [ -s "$work/small.port" ] && break; sleep 0.025; done
  head -c 5000 /dev/zero >"$work/5000"
  local out status=0
  out=$("$pub" -p "$(cat "$work/small.port")" -t big -f "$work/5000" -q 1 2>&1) || status=$?
  [ "$status" -eq 5 ] && grep -q "5000-byte payload is over the broker's Maximum Packet Size of 1000 bytes" <<<"$out" &&
    grep -q -- "--max-packet-size" <<<"$out"
}
check "a message over the broker's Maximum Packet Size names both sizes and the flag" too_large "$pub" "$2"

# says ARGS... -- TEXT: the tool exits 2 and its message holds TEXT (fixed string).
says() {
  local args=() out status=0
  while [ "$1" != -- ]; do args+=("$1"); shift; done
  out=$("$pub" "${args[@]}" 2>&1) || status=$?
  [ "$status" -eq 2 ] && grep -qF -- "$2" <<<"$out" || { echo "status $status: $out" >&2; return 1; }
}
check "-p abc is not a number, -p 0 is out of range" bash -c "$(declare -f says); pub='$pub'
  says -p abc -t t -m x -- \"--port: 'abc' is not a number; give a number from 1 to 65535\" &&
  says -p 0 -t t -m x -- '--port: 0 is out of range; give a number from 1 to 65535'"
check "a typo gets 'did you mean'" says --retian -t t -m x -- "unknown option --retian; did you mean --retain?"
check "unknown options are named in the order given" says --psk 00 --psk-identity a -t t -m x -- \
  "--psk: TLS-PSK is not supported"
check "a stray word is named" says -t t -m hello world -- "unexpected argument 'world'"
check "a missing value is named" says -t -- "--topic needs a value (TOPIC)"
check "-f says why it cannot read the file" says -p "$port" -t t -f /nope -- \
  "-f: cannot read /nope: No such file or directory"
check "no arguments: the reason, a usage line and --help" says -- \
  "usage: mqtk-pub [OPTIONS] {-t TOPIC {-m MESSAGE"
finish
