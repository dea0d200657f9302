#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mosquitto configurations as users have them (Debian's stock file, mosquitto's own example,
# files after common deployment guides) against mqtk-broker: each loads, or stops with every
# problem named FILE:LINE at once; --test-config agrees with a real start; pid_file, log_dest
# and include_dir do what they say.
# usage: configs.sh PATH/TO/mqtk-broker PATH/TO/mqtk-pub
. "$(dirname "$0")/../interop/lib.sh"
broker=$(realpath "$1") pub=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
cd "$work"
bash "$here/../support/make_certs.sh" "$work/pki" >/dev/null
mosquitto_passwd -c -b passwd alice secret 2>/dev/null
printf 'user alice\ntopic readwrite #\n' >acl
mkdir -p conf.d
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
dropin_port=$(free_port)
printf 'listener %s localhost\n' "$dropin_port" >conf.d/10-listener.conf
printf 'max_queued_messages 500\n' >conf.d/20-limits.conf
printf 'not a conf file\n' >conf.d/README

prepare() { # NAME: the corpus file with its placeholders filled, as $work/NAME
  sed -e "s|@DIR@|$work|g" -e "s|@PORT@|$(free_port)|g" -e "s|@PORT2@|$(free_port)|g" \
    "$here/$1" >"$work/$1"
}
# started FILE: a real start keeps running (124 from timeout) or exits with its status.
started() {
  local status=0
  timeout 1.5 "$broker" -c "$1" >"$1.out" 2>"$1.err" || status=$?
  echo "$status"
}

for name in debian-stock.conf tls-listener.conf websockets.conf per-listener-auth.conf \
  password-acl.conf limits.conf old-style.conf logging.conf include-dir.conf bridge.conf; do
  good() {
    prepare "$1"
    "$broker" --test-config -c "$1" 2>"$1.test" || { cat "$1.test" >&2; return 1; }
    local s
    s=$(started "$1")
    [ "$s" = 124 ] || { echo "a real start ended with $s" >&2; cat "$1.err" >&2; return 1; }
  }
  check "$name loads: --test-config exits 0 and a real start serves" good "$name"
done

example() { # mosquitto's shipped example: every line a comment, so the defaults serve
  "$broker" --test-config -c /usr/share/doc/mosquitto/examples/mosquitto.conf 2>/dev/null
}
check "mosquitto's own example mosquitto.conf loads" example

refused() { # NAME LINES...: exit 2 from both, each line named
  local name=$1 s
  shift
  prepare "$name"
  s=0; "$broker" --test-config -c "$name" 2>"$name.test" || s=$?
  [ "$s" = 2 ] || { echo "--test-config: $s" >&2; return 1; }
  [ "$(started "$name")" = 2 ] || return 1
  local l
  for l in "$@"; do
    grep -q "$name:$l: " "$name.test" && grep -q "$name:$l: " "$name.err" ||
      { echo "line $l not named" >&2; cat "$name.test" >&2; return 1; }
  done
}
check "bridge-bad.conf: a bridge key outside a block, bad direction, QoS, PSK and version, named at once" \
  refused bridge-bad.conf 3 6 7 8 9
bridge_files() { # --test-config opens a bridge's TLS files and reads its addresses
  printf 'connection cloud\naddress 127.0.0.1:1\nbridge_cafile %s/nope.crt\ntopic # out\n' \
    "$work" >bridge-files.conf
  local s=0
  "$broker" --test-config -c bridge-files.conf 2>bridge-files.err || s=$?
  [ "$s" = 2 ] && grep -q "bridge cloud: .*nope.crt" bridge-files.err
}
check "--test-config checks a bridge's TLS files" bridge_files
check "plugin.conf: plugin, psk_hint, use_username_as_clientid and auth_opt_ refused, each saying what to do" \
  refused plugin.conf 3 4 5 6

stock_paths() { # the Debian file's pid_file, log_dest file and include_dir
  prepare debian-stock.conf
  rm -f mosquitto.log mosquitto.pid # an earlier check's start wrote them too
  "$broker" -c debian-stock.conf 2>stock.err &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 200); do [ -s mosquitto.pid ] && break; sleep 0.025; done
  [ "$(cat mosquitto.pid)" = "$pid" ] &&
    grep -q "listening on 127.0.0.1:$dropin_port" mosquitto.log &&
    "$pub" -p "$dropin_port" -t t -m x -q 1 || return 1
  kill "$pid"
  wait "$pid" 2>/dev/null
  [ ! -e mosquitto.pid ] && grep -q "stopped;" mosquitto.log && [ ! -s stock.err ]
}
check "Debian's stock file: pid_file written and removed, the log in its file, conf.d read" stock_paths

warnings() { # accepted keys say what mqtk does instead, one line each, with FILE:LINE
  prepare limits.conf
  "$broker" --test-config -c limits.conf 2>limits.test
  grep -q "limits.conf:8: memory_limit is not needed" limits.test &&
    grep -q "limits.conf:11: persistent_client_expiration is not needed" limits.test
}
check "keys mqtk does not need are accepted with one warning line each" warnings

log_dest_both() {
  prepare logging.conf
  started logging.conf >/dev/null
  grep -q "listening on" logging.conf.out && grep -q "listening on" broker.log &&
    ! grep -q "syslog" logging.conf.err
}
check "log_dest file, stdout and syslog are all taken, without a warning" log_dest_both
finish
