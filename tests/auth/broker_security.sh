#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mqtk-broker's password and ACL files as a user meets them, with independent peers: files made
# by Debian's mosquitto_passwd log users in; files made by mqtk-passwd work in Debian's
# mosquitto; refusals carry the right codes in 3.1.1 and 5.0; the ACL holds; $SYS cannot be
# spoofed; SIGHUP reloads users, rules and the TLS certificate, and a broken file keeps the old
# rules; a slow PBKDF2 check never stalls other clients.
# usage: broker_security.sh mqtk-broker mqtk-passwd mqtk-pub mqtk-sub
. "$(dirname "$0")/../interop/lib.sh"
. "$(dirname "$0")/../cli/tools.sh"
broker=$(realpath "$1") passwd=$(realpath "$2") pub=$(realpath "$3") sub=$(realpath "$4")
here=$(cd "$(dirname "$0")" && pwd)
T="timeout 20"
cd "$work"

mosquitto_passwd -c -b pw alice secret 2>/dev/null
mosquitto_passwd -b -H sha512 pw bob hunter2 2>/dev/null
cat >acl <<'ACL'
# anonymous clients: none of the rules below
user alice
topic readwrite a/#
topic read $SYS/#
user bob
topic read a/#
topic deny a/secret
pattern readwrite own/%u/#
ACL
start_broker "$broker" --password-file pw --acl-file acl
[ -n "${port:-}" ] || { cat "$work/broker.log" >&2; exit 1; }
pid=$broker_pid

# connack VERSION ARGS...: mosquitto_pub's words for the CONNACK it got ("ok" when accepted).
connack() {
  local v=$1 out
  shift
  out=$($T mosquitto_pub -p "$port" -V "$v" -t a/x -m x "$@" 2>&1) && { echo ok; return; }
  sed -n 's/^Connection error: //p' <<<"$out" | head -1
}
expect() { # EXPECTED COMMAND...: the command's output is EXPECTED
  local want=$1 got
  shift
  got=$("$@")
  [ "$got" = "$want" ] || { echo "expected '$want', got '$got'" >&2; return 1; }
}
logins() {
  expect ok connack mqttv311 -u alice -P secret &&
    expect ok connack mqttv5 -u alice -P secret &&
    expect ok connack mqttv311 -u bob -P hunter2 &&
    expect ok connack mqttv5 -u bob -P hunter2
}
check "users of a mosquitto_passwd file (\$7\$ and \$6\$) log in, 3.1.1 and 5.0" logins

refusals() {
  local bad311="Connection Refused: bad user name or password." bad5="Bad User Name or Password"
  expect "$bad311" connack mqttv311 -u alice -P wrong &&
    expect "$bad311" connack mqttv311 -u nobody -P secret &&
    expect "$bad311" connack mqttv311 -u alice &&
    expect "Connection Refused: not authorised." connack mqttv311 &&
    expect "$bad5" connack mqttv5 -u alice -P wrong &&
    expect "$bad5" connack mqttv5 -u nobody -P secret &&
    expect "Not authorized" connack mqttv5
}
check "wrong password, unknown user, no password, anonymous: 3.1.1 codes 4 and 5, v5 0x86 and 0x87" refusals

acl_publish() {
  local out
  out=$($T "$pub" -p "$port" -u bob -P hunter2 -t a/x -m x -q 1 2>&1)
  [ $? -eq 5 ] && grep -q "0x87 Not authorized" <<<"$out" || { echo "$out" >&2; return 1; }
  $T "$pub" -p "$port" -u bob -P hunter2 -t own/bob/state -m x -q 1
}
check "a publish the ACL denies gets PUBACK 0x87 (mqtk-pub exits 5); a %u pattern grants" acl_publish

acl_subscribe() {
  local out
  out=$($T mosquitto_sub -p "$port" -V mqttv5 -u bob -P hunter2 -t '#' -t a/b -W 1 -d 2>&1 || true)
  grep -q "Subscribed (mid: 1): 135, 0" <<<"$out" || { echo "$out" >&2; return 1; }
  out=$($T mosquitto_sub -p "$port" -V mqttv311 -u bob -P hunter2 -t '#' -t a/b -W 1 -d 2>&1 || true)
  grep -q "Subscribed (mid: 1): 128, 0" <<<"$out" || { echo "$out" >&2; return 1; }
}
check "a subscription beyond the ACL gets SUBACK 0x87 (v5) / 0x80 (3.1.1), the rest granted" acl_subscribe

retained_read() { # bob may subscribe to a/#, but not read a/secret
  $T "$pub" -p "$port" -u alice -P secret -t a/kept -m visible -r -q 1 &&
    $T "$pub" -p "$port" -u alice -P secret -t a/secret -m private -r -q 1 &&
    expect "a/kept visible" $T "$sub" -p "$port" -u bob -P hunter2 -t 'a/#' -v -W 1
}
check "retained messages on subscribe are delivered only where the ACL lets the client read" retained_read

sys_spoof() {
  local out
  sub_bg "$work/sys.out" -u alice -P secret -t '$SYS/fake'
  out=$($T "$pub" -p "$port" -u alice -P secret -t '$SYS/fake' -m spoof -q 1 2>&1)
  [ $? -eq 5 ] && grep -q 0x87 <<<"$out" || { echo "$out" >&2; return 1; }
  sleep 0.3
  kill "$sub_pid"
  [ ! -s "$work/sys.out" ]
}
check "nobody publishes into \$SYS: mqtk-pub -t '\$SYS/fake' is refused with 0x87, not delivered" sys_spoof

reload_users() {
  echo extra | "$passwd" -I 1000 pw carol &&
    mosquitto_passwd -D pw bob 2>/dev/null &&
    kill -HUP "$pid" &&
    wait_for "access rules reloaded" broker.log &&
    expect ok connack mqttv5 -u carol -P extra &&
    expect "Bad User Name or Password" connack mqttv5 -u bob -P hunter2
}
check "SIGHUP: a user added gets in, a user removed is refused, the broker keeps running" reload_users

broken_file() {
  cp pw pw.good
  echo "garbage line" >>pw
  kill -HUP "$pid"
  wait_for "access rules kept as they were" broker.log &&
    grep -q "pw:3: no ':'" broker.log &&
    expect ok connack mqttv5 -u carol -P extra &&
    expect ok connack mqttv5 -u alice -P secret || return 1
  cp pw.good pw
}
check "SIGHUP with a broken password file keeps the old rules and names the line" broken_file

reload_and_wait() { # SIGHUP, then wait for the broker to say it reloaded
  local before
  before=$(grep -c "access rules reloaded" broker.log || true)
  kill -HUP "$pid"
  for _ in $(seq 200); do
    [ "$(grep -c "access rules reloaded" broker.log || true)" -gt "$before" ] && return 0
    sleep 0.025
  done
  echo "no reload logged" >&2
  return 1
}
acl_recheck() { # carol may read a/#, subscribes, then loses the right
  printf 'user alice\ntopic readwrite a/#\nuser carol\ntopic read a/#\n' >acl
  reload_and_wait || return 1
  sub_bg "$work/carol.out" -u carol -P extra -t a/live
  printf 'user alice\ntopic readwrite a/#\n' >acl
  reload_and_wait &&
    grep -q "subscription a/live of client .* removed" broker.log &&
    grep -q "1 subscriptions removed" broker.log &&
    $T "$pub" -p "$port" -u alice -P secret -t a/live -m late -q 1 || { kill "$sub_pid"; return 1; }
  sleep 0.3
  kill "$sub_pid"
  [ ! -s "$work/carol.out" ]
}
check "SIGHUP: a subscription the new ACL refuses is removed from the live session" acl_recheck

mosquitto_reads_ours() {
  local p
  p=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  echo "from mqtk" | "$passwd" -c -I 2000 ours dave && echo old | "$passwd" -H sha512 ours erin &&
    printf 'listener %s 127.0.0.1\nallow_anonymous false\npassword_file %s/ours\nuser root\n' \
      "$p" "$work" >mosq.conf || return 1
  mosquitto -c mosq.conf 2>mosquitto.log &
  pids+=($!)
  for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && break; sleep 0.025; done
  $T mosquitto_pub -p "$p" -t t -m x -u dave -P "from mqtk" &&
    $T mosquitto_pub -p "$p" -t t -m x -u erin -P old &&
    ! $T mosquitto_pub -p "$p" -t t -m x -u dave -P wrong 2>/dev/null
}
check "Debian's mosquitto logs in users of a file mqtk-passwd wrote (\$7\$ and \$6\$)" mosquitto_reads_ours

startup_problems() {
  printf 'ok:$6$AAAA$AAAA\nfine\n' >bad.pw
  printf 'topic read a\nuser\nbogus line\n' >bad.acl
  local out status=0
  out=$(timeout 5 "$broker" -p 0 --password-file bad.pw --acl-file bad.acl 2>&1) || status=$?
  [ "$status" -eq 2 ] && grep -q "bad.pw:1: user 'ok'" <<<"$out" && grep -q "bad.pw:2:" <<<"$out" &&
    grep -q "bad.acl:2:" <<<"$out" && grep -q "bad.acl:3:" <<<"$out" ||
    { echo "status $status: $out" >&2; return 1; }
}
check "problems in both files are all named FILE:LINE at start, and the broker exits 2" startup_problems

no_stall() { # a 2,000,000-iteration PBKDF2 check (about a second) runs while another client works
  echo slow | "$passwd" -I 2000000 pw slowpoke && reload_and_wait || return 1
  local t0 t1
  (timeout 30 "$pub" -p "$port" -u slowpoke -P slow -t a/x -m x -q 1 2>/dev/null; echo $? >slow.rc) &
  sleep 0.1
  t0=$(date +%s%N)
  expect ok connack mqttv5 -u alice -P secret || return 1
  t1=$(date +%s%N)
  [ ! -s slow.rc ] || { echo "the slow check was not slow: $(cat slow.rc)" >&2; return 1; }
  echo "another client's CONNECT and publish took $(((t1 - t0) / 1000000)) ms during the slow check" >&2
  [ $(((t1 - t0) / 1000000)) -lt 500 ] || return 1
  for _ in $(seq 600); do [ -s slow.rc ] && break; sleep 0.05; done
  # Logged in, then its publish refused by the ACL (no slowpoke rules): exit 5.
  [ "$(cat slow.rc)" = 5 ] || { echo "the slow login ended with status $(cat slow.rc)" >&2; return 1; }
}
check "a slow password check runs off the event loop: others connect meanwhile in < 0.5 s" no_stall

tls_rotation() {
  bash "$here/../support/make_certs.sh" "$work/pki" &&
    cp pki/server.crt cert.pem && cp pki/server.key key.pem || return 1
  printf 'listener 0 127.0.0.1\ncertfile %s/cert.pem\nkeyfile %s/key.pem\n' "$work" "$work" >tls.conf
  "$broker" -c tls.conf --port-file tls.port 2>tls.log &
  local tpid=$!
  pids+=("$tpid")
  for _ in $(seq 200); do [ -s tls.port ] && break; sleep 0.025; done
  local tp subject
  tp=$(cat tls.port)
  subject() { openssl s_client -connect "127.0.0.1:$tp" </dev/null 2>/dev/null | openssl x509 -noout -subject; }
  [[ "$(subject)" == *"mqtk test server"* ]] || return 1
  cp pki/other.crt cert.pem && cp pki/other.key key.pem && kill -HUP "$tpid" &&
    wait_for "SIGHUP received" tls.log && sleep 0.2
  [[ "$(subject)" == *"elsewhere.example"* ]] || { subject >&2; return 1; }
  echo broken >cert.pem && kill -HUP "$tpid" && sleep 0.3 &&
    grep -q "certificate kept as it was" tls.log && [[ "$(subject)" == *"elsewhere.example"* ]]
}
check "SIGHUP rotates the TLS certificate: the next client gets the new one; a broken one is not taken" tls_rotation

scram_login() { # a SCRAM verifier: mqtk-pub and mqtk-sub log in without sending the password
  echo "tidal wave" | "$passwd" --scram pw sam &&
    printf 'user sam\ntopic sam/#\n' >>acl && reload_and_wait || return 1
  sub_bg "$work/sam.out" -u sam -P "tidal wave" --auth-method SCRAM-SHA-256 -t sam/x -C 1
  $T "$pub" -p "$port" -u sam -P "tidal wave" --auth-method SCRAM-SHA-256 -t sam/x -m scrammed -q 1 &&
    wait "$sub_pid" && [ "$(cat "$work/sam.out")" = scrammed ] &&
    $T "$pub" -p "$port" -u sam -P "tidal wave" -t sam/x -m plain -q 1 # plain login, same verifier
}
check "SCRAM-SHA-256: mqtk-pub and mqtk-sub log in with --auth-method; a plain login works too" scram_login

scram_wrong_password() {
  local out status=0
  out=$($T "$pub" -p "$port" -u sam -P "tidal" --auth-method SCRAM-SHA-256 -t sam/x -m x 2>&1) || status=$?
  [ "$status" -eq 4 ] && grep -q "0x86" <<<"$out" || { echo "status $status: $out" >&2; return 1; }
}
check "SCRAM with a wrong password is refused with 0x86 (exit 4)" scram_wrong_password

scram_wrong_verifier() { # a broker whose verifier takes the proof but cannot sign: the client leaves
  # Same StoredKey, another user's ServerKey: the proof checks, the signature cannot.
  local line other
  line=$(grep '^sam:' pw)
  echo other | "$passwd" --scram -c fake.pw x || return 1
  other=$(grep '^x:' fake.pw | sed 's/.*\$//')
  echo "${line%\$*}\$$other" >impostor.pw
  "$broker" -p 0 --port-file impostor.port --password-file impostor.pw 2>impostor.log &
  pids+=($!)
  for _ in $(seq 200); do [ -s impostor.port ] && break; sleep 0.025; done
  local out status=0
  out=$($T "$pub" -p "$(cat impostor.port)" -u sam -P "tidal wave" --auth-method SCRAM-SHA-256 \
    -t sam/x -m x 2>&1) || status=$?
  [ "$status" -eq 3 ] && grep -q "SCRAM signature is wrong" <<<"$out" ||
    { echo "status $status: $out" >&2; return 1; }
}
check "a broker that cannot prove it holds the verifier is refused by the client (exit 3)" scram_wrong_verifier

scram_capture() { # the password is nowhere in the bytes between client and broker
  rm -f proxy.port
  /usr/bin/python3 "$here/capture_proxy.py" "$port" proxy.port capture.bin &
  local proxy=$!
  for _ in $(seq 200); do [ -s proxy.port ] && break; sleep 0.025; done
  $T "$pub" -p "$(cat proxy.port)" -u sam -P "tidal wave" --auth-method SCRAM-SHA-256 \
    -t sam/x -m captured -q 1 || return 1
  wait "$proxy"
  grep -q "SCRAM-SHA-256" capture.bin && grep -q "captured" capture.bin &&
    ! grep -q "tidal" capture.bin && ! grep -q "$(printf 'tidal wave' | base64)" capture.bin
}
check "the SCRAM password never crosses the wire (raw bytes captured by a relay)" scram_capture

per_listener() { # per_listener_settings: each listener its own access keys
  mosquitto_passwd -c -b only.pw lee pass 2>/dev/null
  printf 'per_listener_settings true\nlistener 0 127.0.0.1\npassword_file %s/only.pw\nlistener 0 127.0.0.1\nallow_anonymous true\n' \
    "$work" >per.conf
  "$broker" -c per.conf --port-file per.port 2>per.log &
  pids+=($!)
  for _ in $(seq 200); do [ -s per.port ] && break; sleep 0.025; done
  local locked open
  locked=$(sed -n 1p per.port) open=$(sed -n 2p per.port)
  port=$locked expect "Not authorized" connack mqttv5 &&
    port=$locked expect ok connack mqttv5 -u lee -P pass &&
    port=$open expect ok connack mqttv5 &&
    port=$open expect ok connack mqttv5 -u anyone -P anything
}
check "per_listener_settings true: a password file on one listener, anonymous on the other" per_listener

world_readable() {
  grep -q "pw: the password file is readable by every user" broker.log
}
check "a world-readable password file gets a warning" world_readable
passwd_cli() { # mqtk-passwd as mosquitto_passwd is used: -b, -U, -D, and its refusals
  local out status
  out=$("$passwd" -c -b cli.pw one first 2>&1) && grep -q "shows in the process list" <<<"$out" &&
    [ "$(stat -c %a cli.pw)" = 600 ] || return 1
  printf 'two:plain secret\n# kept\n' >>cli.pw
  "$passwd" -U cli.pw && grep -q '^two:\$7\$210000\$' cli.pw && grep -q '^# kept$' cli.pw &&
    [ "$(grep -c '^one:\$7\$' cli.pw)" = 1 ] || return 1
  "$passwd" -D cli.pw one && ! grep -q '^one:' cli.pw || return 1
  status=0; out=$("$passwd" -D cli.pw one 2>&1) || status=$?
  [ "$status" -eq 1 ] && grep -q "user 'one' is not in cli.pw" <<<"$out" || return 1
  status=0; "$passwd" -c -D cli.pw x 2>/dev/null || status=$?
  [ "$status" -eq 2 ] || return 1
  status=0; "$passwd" cli.pw 'bad:name' </dev/null 2>/dev/null || status=$?
  [ "$status" -eq 2 ] || return 1
  start_broker "$broker" --password-file cli.pw # the last check: it replaces the broker
  expect ok connack mqttv5 -u two -P "plain secret"
}
check "mqtk-passwd: -b warns, -U hashes plain lines only, -D deletes, bad usage exits 2" passwd_cli
finish
