#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Generates the test PKI into DIR, fresh each run (never committed): a CA; a server certificate
# with SAN 127.0.0.1, ::1 and localhost; a client certificate (CN mqtk-client) for mutual TLS; a
# second, unrelated CA ("wrong CA" checks); a server certificate for another name (hostname
# mismatch checks). Files are world-readable: Debian's mosquitto drops to its own user.
#   make_certs.sh DIR
set -euo pipefail
dir=$1
mkdir -p "$dir"
cd "$dir"
[ -s done ] && exit 0 # already made for this run

ca() { # ca NAME CN
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj "/CN=$2" -keyout "$1.key" -out "$1.crt" 2>/dev/null
}
leaf() { # leaf NAME CN SAN EXT CA
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$2" \
    -keyout "$1.key" -out "$1.csr" 2>/dev/null
  printf 'subjectAltName=%s\nextendedKeyUsage=%s\n' "$3" "$4" >"$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$5.crt" -CAkey "$5.key" -CAcreateserial -days 2 \
    -extfile "$1.ext" -out "$1.crt" 2>/dev/null
}

ca ca "mqtk test CA"
ca wrong-ca "another CA"
leaf server "mqtk test server" "IP:127.0.0.1,IP:::1,DNS:localhost" serverAuth ca
leaf other "elsewhere.example" "DNS:elsewhere.example" serverAuth ca
leaf client "mqtk-client" "DNS:mqtk-client" clientAuth ca
chmod a+r ./*
touch done
