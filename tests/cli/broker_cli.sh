#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mqtk-broker's command line: README and --help agree, exit codes, messages that name the problem.
# usage: broker_cli.sh PATH/TO/mqtk-broker PATH/TO/README.md
set -uo pipefail
broker=$1
readme=$2
passed=0
failed=0
check() {
  if eval "$2"; then passed=$((passed + 1)); echo "ok - $1"; else failed=$((failed + 1)); echo "not ok - $1"; fi
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

help=$("$broker" --help)
check "--help exits 0" '"$broker" --help >/dev/null'
check "--version names the version and transports" '"$broker" --version | grep -q "mqtk-broker [0-9].*tcp, tls, ws, wss, unix"'
check "-h is not help (it is a host elsewhere in mqtk)" '! "$broker" -h >/dev/null 2>&1'
# Every --flag in the README's broker section is a real option.
for flag in $(awk '/^## /{on=($0=="## mqtk-broker")} on' "$readme" | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
  check "README flag $flag is in --help" 'grep -q -- "$flag" <<<"$help"'
done
check "an unknown flag exits 2" '"$broker" --no-such-flag 2>/dev/null; [ $? -eq 2 ]'
printf 'listener 0\nfrobnicate yes\n' >"$work/bad.conf"
check "an unknown config key exits 2 naming file, line and key" \
  'out=$("$broker" -c "$work/bad.conf" 2>&1); [ $? -eq 2 ] && grep -q "bad.conf:2: unknown key .frobnicate." <<<"$out"'
printf 'listener 0\npassword_file /nonexistent/passwd\n' >"$work/nopw.conf"
check "a password file that cannot be read stops the broker naming it" 'out=$("$broker" -c "$work/nopw.conf" 2>&1); [ $? -eq 2 ] && grep -q "/nonexistent/passwd: cannot read it" <<<"$out"'
printf 'certfile /x\n' >"$work/orphan.conf"
check "a TLS key above any listener is refused" 'out=$("$broker" -c "$work/orphan.conf" 2>&1); [ $? -eq 2 ] && grep -q "orphan.conf:1: TLS keys belong to a listener" <<<"$out"'
printf 'listener 0\ncertfile /nonexistent.crt\nkeyfile /nonexistent.key\n' >"$work/nofile.conf"
check "an unreadable certificate stops the broker naming the file" 'out=$("$broker" -c "$work/nofile.conf" 2>&1); [ $? -eq 2 ] && grep -q "cannot read /nonexistent.crt" <<<"$out"'
check "-L mqtts:// without --certfile is refused" 'out=$("$broker" -L mqtts://127.0.0.1:0 2>&1); [ $? -eq 2 ] && grep -q "needs --certfile and --keyfile" <<<"$out"'
check "TLS flags without a TLS listener are refused" 'out=$("$broker" --certfile x.crt 2>&1); [ $? -eq 2 ] && grep -q "none was given" <<<"$out"'
check "a non-loopback listener without --allow-anonymous exits 2" \
  'out=$("$broker" -L 0.0.0.0:0 2>&1); [ $? -eq 2 ] && grep -q "refusing to listen on 0.0.0.0" <<<"$out"'
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
