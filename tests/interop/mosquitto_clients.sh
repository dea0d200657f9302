#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Debian's mosquitto_pub / mosquitto_sub against mqtk-broker: QoS 0/1/2 in both versions,
# retained, wills, session resume with queued messages, shared subscriptions, takeover, no loss.
# usage: mosquitto_clients.sh PATH/TO/mqtk-broker
. "$(dirname "$0")/lib.sh"
broker_bin=$1
start_broker "$1"
T="timeout 20"

# sub_then FILE SUB-ARGS... : start a subscriber in the background, give it time to subscribe.
sub_then() {
  local out=$1
  shift
  $T mosquitto_sub -p "$port" "$@" >"$out" 2>"$out.err" &
  sub_pid=$!
  sleep 0.4
}

qos_round_trip() { # VERSION QOS
  local out="$work/qos-$1-$2"
  sub_then "$out" -V "$1" -q "$2" -t "rt/$1/$2" -C 3
  for i in 1 2 3; do $T mosquitto_pub -p "$port" -V "$1" -q "$2" -t "rt/$1/$2" -m "m$i"; done
  wait "$sub_pid" && [ "$(cat "$out")" = $'m1\nm2\nm3' ]
}
for v in mqttv311 5; do
  for q in 0 1 2; do check "QoS $q round trip, $v" qos_round_trip "$v" "$q"; done
done

retained() {
  $T mosquitto_pub -p "$port" -t ret/a -m kept -r -q 1
  [ "$($T mosquitto_sub -p "$port" -t 'ret/#' -C 1 -v)" = "ret/a kept" ] || return 1
  $T mosquitto_pub -p "$port" -t ret/a -n -r
  # Nothing retained any more: -W 1 times out (mosquitto_sub exits 27) with no output.
  local got
  got=$($T mosquitto_sub -p "$port" -t 'ret/#' -C 1 -W 1 2>/dev/null || true)
  [ -z "$got" ]
}
check "retained message stored, delivered, cleared" retained

will() {
  local out="$work/will"
  sub_then "$out" -t will/t -C 1
  mosquitto_sub -p "$port" -t none --will-topic will/t --will-payload gone -i willclient &
  local victim=$!
  sleep 0.3
  kill -9 "$victim"
  wait "$victim" 2>/dev/null || true
  wait "$sub_pid" && [ "$(cat "$out")" = gone ]
}
check "will published when a client dies" will

resume() { # VERSION EXTRA-ARGS
  local v=$1
  shift
  $T mosquitto_sub -p "$port" -V "$v" "$@" -c -i "keep-$v" -q 1 -t "q/$v" -W 1 >/dev/null 2>&1 || true
  for i in 1 2 3; do $T mosquitto_pub -p "$port" -V "$v" -q 1 -t "q/$v" -m "queued$i"; done
  [ "$($T mosquitto_sub -p "$port" -V "$v" "$@" -c -i "keep-$v" -q 1 -t "q/$v" -C 3)" = \
    $'queued1\nqueued2\nqueued3' ]
}
check "session resume delivers queued QoS 1 messages, 3.1.1" resume mqttv311
check "session resume delivers queued QoS 1 messages, 5.0" resume 5 -x 60

shared() {
  sub_then "$work/s1" -V 5 -t '$share/g/sh' -q 1
  local p1=$sub_pid
  sub_then "$work/s2" -V 5 -t '$share/g/sh' -q 1
  local p2=$sub_pid
  for i in $(seq 10); do $T mosquitto_pub -p "$port" -V 5 -q 1 -t sh -m "s$i"; done
  sleep 0.3
  kill "$p1" "$p2"
  wait "$p1" "$p2" 2>/dev/null || true
  local n1 n2
  n1=$(wc -l <"$work/s1")
  n2=$(wc -l <"$work/s2")
  [ $((n1 + n2)) -eq 10 ] && [ "$n1" -gt 0 ] && [ "$n2" -gt 0 ]
}
check "shared subscription spreads 10 messages over two members" shared

takeover() {
  $T mosquitto_sub -p "$port" -V 5 -i same -t x >"$work/first" 2>&1 &
  local first=$!
  sleep 0.3
  $T mosquitto_sub -p "$port" -V 5 -i same -t x -W 1 >/dev/null 2>&1 || true
  # The first client was disconnected (Session taken over) and has exited.
  sleep 0.2
  ! kill -0 "$first" 2>/dev/null
}
check "a second client with the same id takes the session over" takeover

fan_out_large() {
  head -c 65536 /dev/urandom >"$work/big"
  local pids=()
  for i in 1 2 3; do
    $T mosquitto_sub -p "$port" -t big -C 1 -N -q 1 >"$work/big.$i" &
    pids+=($!)
  done
  sleep 0.4
  $T mosquitto_pub -p "$port" -t big -f "$work/big" -q 1
  wait "${pids[@]}" && cmp -s "$work/big" "$work/big.1" && cmp -s "$work/big" "$work/big.2" &&
    cmp -s "$work/big" "$work/big.3"
}
check "a 64 KiB binary payload reaches three subscribers byte for byte" fan_out_large

unix_socket() {
  local sock="$work/mqtt.sock"
  "$broker_bin" --unix "$sock" --sys-interval 0 2>/dev/null &
  local upid=$!
  pids+=("$upid")
  for _ in $(seq 200); do [ -S "$sock" ] && break; sleep 0.025; done
  $T mosquitto_sub --unix "$sock" -t u -C 1 >"$work/unix.out" &
  local sub=$!
  sleep 0.3
  $T mosquitto_pub --unix "$sock" -t u -m "over a unix socket"
  wait "$sub" && [ "$(cat "$work/unix.out")" = "over a unix socket" ]
}
check "a Unix-domain socket listener serves mosquitto clients" unix_socket

no_loss() { # COUNT QOS
  local out="$work/load-$2"
  sub_then "$out" -q "$2" -t "load/$2" -C "$1"
  seq "$1" | $T mosquitto_pub -p "$port" -q "$2" -t "load/$2" -l
  wait "$sub_pid" && [ "$(wc -l <"$out")" -eq "$1" ] && [ "$(sort -un "$out" | wc -l)" -eq "$1" ]
}
check "50,000 QoS 1 lines from mosquitto_pub -l arrive exactly once" no_loss 50000 1

finish
