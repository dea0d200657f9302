#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# TLS both ways with Debian's mosquitto: mqtk-pub/mqtk-sub against mosquitto's TLS listeners
# (server TLS, mutual TLS, a certificate for another host), mosquitto_pub/mosquitto_sub against
# mqtk-broker's (server TLS, mutual TLS with the certificate's CN as user name). A wrong CA and a
# host name mismatch exit 3 saying which. Certificates are made fresh for the run.
# usage: tls.sh PATH/TO/mqtk-pub PATH/TO/mqtk-sub PATH/TO/mqtk-broker
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../cli/tools.sh"
pub=$1
sub=$2
broker=$3
T="timeout 30"
pki="$work/pki"
bash "$(dirname "$0")/../support/make_certs.sh" "$pki"
chmod a+rx "$work" # mosquitto reads the PKI; it is told to stay root, but be safe

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
m_tls=$(free_port)
m_mutual=$(free_port)
m_other=$(free_port)
cat >"$work/mosquitto.conf" <<CONF
user root
allow_anonymous true
listener $m_tls 127.0.0.1
certfile $pki/server.crt
keyfile $pki/server.key
listener $m_mutual 127.0.0.1
cafile $pki/ca.crt
certfile $pki/server.crt
keyfile $pki/server.key
require_certificate true
listener $m_other 127.0.0.1
certfile $pki/other.crt
keyfile $pki/other.key
CONF
mosquitto -c "$work/mosquitto.conf" 2>"$work/mosquitto.log" &
pids+=($!)
for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$m_other") 2>/dev/null && break; sleep 0.025; done

# --- mqtk clients -> mosquitto

round_trip() { # PORT VERSION QOS [TLS FLAGS...]
  local p=$1 v=$2 q=$3
  shift 3
  port=$p sub_bg "$work/rt$p$v" -V "$v" -q "$q" -t "tls/$v" -C 1 "$@" || return 1
  $T "$pub" -L "mqtts://127.0.0.1:$p/tls/$v" -V "$v" -q "$q" -m "over tls $v" "$@" || return 1
  wait "$sub_pid" && [ "$(cat "$work/rt$p$v")" = "over tls $v" ]
}
check "mqtk-pub -> mosquitto (TLS) -> mqtk-sub, MQTT 5, QoS 1" round_trip "$m_tls" 5 1 --cafile "$pki/ca.crt"
check "mqtk-pub -> mosquitto (TLS) -> mqtk-sub, MQTT 3.1.1, QoS 2" round_trip "$m_tls" 311 2 --cafile "$pki/ca.crt"
check "mutual TLS with mosquitto: a client certificate is accepted" round_trip "$m_mutual" 5 1 \
  --cafile "$pki/ca.crt" --cert "$pki/client.crt" --key "$pki/client.key"

exits_3_saying() { # TEXT ARGS...: mqtk-pub exits 3 and its message contains TEXT
  local text=$1 out rc=0
  shift
  out=$($T "$pub" -t x -m y "$@" 2>&1) || rc=$?
  [ "$rc" -eq 3 ] && grep -qF -- "$text" <<<"$out" || { echo "rc=$rc: $out" >&2; return 1; }
}
check "a wrong CA exits 3 and says no trusted CA signed the certificate" exits_3_saying \
  "no trusted CA signed the peer's certificate" -h 127.0.0.1 -p "$m_tls" --cafile "$pki/wrong-ca.crt"
check "a host name mismatch exits 3 and says the certificate is for another host" exits_3_saying \
  "IP address mismatch (the certificate is for another host" -h 127.0.0.1 -p "$m_other" --cafile "$pki/ca.crt"
check "mutual TLS without a client certificate exits 3" exits_3_saying "TLS" \
  -L "mqtts://127.0.0.1:$m_mutual" --cafile "$pki/ca.crt"
check "without --cafile, mqtts:// trusts the system store, which does not hold the test CA" \
  exits_3_saying "no trusted CA signed the peer's certificate" -L "mqtts://127.0.0.1:$m_tls"
capath() {
  mkdir -p "$work/capath" && cp "$pki/ca.crt" "$work/capath/" && openssl rehash "$work/capath" &&
    $T "$pub" -L "mqtts://localhost:$m_tls/t" --capath "$work/capath" -m x
}
check "--capath with a hashed CA directory, and a DNS name checked against the SAN" capath
check "--tls-alpn and --tls-version tlsv1.3 are accepted by mosquitto" \
  $T "$pub" -L "mqtts://127.0.0.1:$m_tls/t" --cafile "$pki/ca.crt" --tls-alpn mqtt \
  --tls-version tlsv1.3 -m x
ciphers() {
  $T "$pub" -L "mqtts://127.0.0.1:$m_tls/t" --cafile "$pki/ca.crt" --tls-version tlsv1.3 \
    --ciphers TLS_CHACHA20_POLY1305_SHA256 -m x || return 1
  local out rc=0
  out=$("$pub" -L "mqtts://127.0.0.1:$m_tls/t" --cafile "$pki/ca.crt" --ciphers NO-SUCH -m x 2>&1) || rc=$?
  [ "$rc" -eq 2 ] && grep -q "no cipher matches 'NO-SUCH'" <<<"$out" || { echo "rc=$rc $out" >&2; return 1; }
}
check "--ciphers picks a TLS 1.3 suite; an unknown one exits 2 naming it" ciphers
insecure() {
  local out
  out=$($T "$pub" -h 127.0.0.1 -p "$m_other" --cafile "$pki/ca.crt" --insecure -t x -m y 2>&1) &&
    grep -q "warning: --insecure" <<<"$out"
}
check "--insecure connects despite the name, with a warning" insecure

# --- mosquitto clients -> mqtk-broker
cat >"$work/mutual.conf" <<CONF
allow_anonymous false
listener 0
certfile $pki/server.crt
keyfile $pki/server.key
cafile $pki/ca.crt
require_certificate true
use_identity_as_username true
CONF
start_broker "$broker" -v -c "$work/mutual.conf" -L mqtts://127.0.0.1:0 --certfile "$pki/server.crt" \
  --keyfile "$pki/server.key"
b_mutual=${ports[0]} # the config file's listener comes first, then -p 0, then -L
b_tls=${ports[2]}

mosquitto_round_trip() { # PORT QOS ARGS...
  local p=$1 q=$2
  shift 2
  $T mosquitto_sub -h 127.0.0.1 -p "$p" -q "$q" -t m/tls -C 1 "$@" >"$work/m$p" &
  local s=$!
  sleep 0.4
  $T mosquitto_pub -h 127.0.0.1 -p "$p" -q "$q" -t m/tls -m "mosquitto over tls" "$@" &&
    wait "$s" && [ "$(cat "$work/m$p")" = "mosquitto over tls" ]
}
# allow_anonymous false is broker-wide: the plain TLS listener's clients give a user name.
check "mosquitto_pub -> mqtk-broker (TLS) -> mosquitto_sub, QoS 1" mosquitto_round_trip \
  "$b_tls" 1 --cafile "$pki/ca.crt" -u alice
check "mosquitto clients with client certificates; the CN is the user name (anonymous refused)" \
  mosquitto_round_trip "$b_mutual" 2 --cafile "$pki/ca.crt" --cert "$pki/client.crt" \
  --key "$pki/client.key"
no_cert_refused() {
  ! $T mosquitto_pub -h 127.0.0.1 -p "$b_mutual" --cafile "$pki/ca.crt" -t x -m y 2>/dev/null
}
check "mqtk-broker refuses a client without a certificate on a mutual TLS listener" no_cert_refused
check "ws:// to a plain MQTT port exits 3 naming the WebSocket handshake" exits_3_saying \
  "during the WebSocket handshake" -L "ws://127.0.0.1:${ports[1]}/mqtt"
check "mqtts:// to a plain MQTT port exits 3 naming the TLS handshake" exits_3_saying \
  "during the TLS handshake" -L "mqtts://127.0.0.1:${ports[1]}" --cafile "$pki/ca.crt"
mosquitto_wrong_ca() {
  ! $T mosquitto_pub -h 127.0.0.1 -p "$b_tls" --cafile "$pki/wrong-ca.crt" -t x -m y 2>/dev/null
}
check "mosquitto_pub with the wrong CA is refused by its own check" mosquitto_wrong_ca
finish
