#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The man pages and completions are generated from the tools' option definitions: they must be
# up to date, cover every option --help shows, render without groff warnings, parse in their
# shells, complete in bash, and every EXAMPLES command must run against a local broker.
# usage: docs.sh BUILD_APPS_DIR SOURCE_DIR
. "$(dirname "$0")/../interop/lib.sh"
apps=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
tools=("mqtk-pub 1" "mqtk-sub 1" "mqtk-bench 1" "mqtk-broker 8" "mqtk-passwd 1")

fresh() {
  local tool=$1 section=$2
  "$apps/$tool" --generate man | cmp -s - "$src/man/$tool.$section" &&
    "$apps/$tool" --generate bash | cmp -s - "$src/completions/bash/$tool" &&
    "$apps/$tool" --generate zsh | cmp -s - "$src/completions/zsh/_$tool" &&
    "$apps/$tool" --generate fish | cmp -s - "$src/completions/fish/$tool.fish" ||
    { echo "stale: run scripts/gen-docs" >&2; return 1; }
}
covered() {
  local tool=$1 section=$2 opt missing=0
  # The option names that start --help's lines, e.g. "  -t,--topic TOPIC ...".
  for opt in $("$apps/$tool" --help | awk '/^ +-/ {print $1}' | tr ',' '\n' | sort -u); do
    local man_form=${opt//-/\\-}
    grep -qF -- "$man_form" "$src/man/$tool.$section" || { echo "$opt not in the man page" >&2; missing=1; }
    grep -qwF -- "$opt" "$src/completions/bash/$tool" || { echo "$opt not in bash" >&2; missing=1; }
    grep -qF -- "$opt" "$src/completions/zsh/_$tool" || { echo "$opt not in zsh" >&2; missing=1; }
    local fish_form="-l ${opt#--}"
    [ "${opt#--}" != "$opt" ] || fish_form="-s ${opt#-}"
    grep -qF -- "$fish_form" "$src/completions/fish/$tool.fish" || { echo "$opt not in fish" >&2; missing=1; }
  done
  [ "$missing" -eq 0 ]
}
renders() {
  local page="$src/man/$1.$2" warnings
  warnings=$(groff -man -ww -z "$page" 2>&1) && [ -z "$warnings" ] &&
    MANWIDTH=80 man -l "$page" 2>/dev/null | grep -q "${3:-EXIT STATUS}" ||
    { echo "$warnings" >&2; return 1; }
}
shells_accept() {
  zsh -n "$src/completions/zsh/_$1" && fish -n "$src/completions/fish/$1.fish" &&
    bash -n "$src/completions/bash/$1"
}
for spec in "${tools[@]}"; do
  read -r tool section <<<"$spec"
  check "$tool: man page and completions are up to date" fresh "$tool" "$section"
  check "$tool: every option in --help is in the man page and each completion" covered "$tool" "$section"
  check "$tool($section): groff -man -ww reports nothing; man -l renders it" renders "$tool" "$section"
  check "$tool: zsh -n, fish -n and bash -n accept the completions" shells_accept "$tool"
done

conf_page() {
  "$apps/mqtk-broker" --generate conf-man | cmp -s - "$src/man/mqtk-broker.conf.5" ||
    { echo "stale: run scripts/gen-docs" >&2; return 1; }
  renders mqtk-broker.conf 5 "KEYS" || return 1
  # Every key the page documents is one the parser takes.
  local key keys=0 out
  for key in $(awk '/^\.SH KEYS/ {on=1; next} /^\.SH/ {on=0} on && /^\\fB/ {print}' \
    "$src/man/mqtk-broker.conf.5" | sed 's/^\\fB\([a-z_0-9.]*\).*/\1/'); do
    keys=$((keys + 1))
    printf '%s x\n' "$key" >"$work/k.conf"
    out=$(timeout 2 "$apps/mqtk-broker" -c "$work/k.conf" -p 0 2>&1 || true)
    ! grep -q "unknown key" <<<"$out" || { echo "$key unknown" >&2; return 1; }
  done
  [ "$keys" -ge 9 ] || { echo "only $keys keys documented" >&2; return 1; }
}
check "mqtk-broker.conf(5): up to date, renders, documents exactly the keys the parser takes" conf_page

# What bash offers for the last word, with the completion script sourced as bash-completion
# would: complete.sh SCRIPT WORDS...
cat >"$work/complete.sh" <<'SH'
. "$1"
shift
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
f=$(complete -p "$1" | awk '{print $3}')
"$f"
printf '%s\n' "${COMPREPLY[@]}"
SH
offers() { # EXPECTED TOOL WORDS...
  local expected=$1 tool=$2
  shift 2
  local got
  got=$(cd "$src" && bash "$work/complete.sh" "$src/completions/bash/$tool" "$tool" "$@" | tr '\n' ' ')
  [ "$got" = "$expected" ] || { echo "offered '$got', expected '$expected'" >&2; return 1; }
}
# --quiet shares the prefix (mosquitto_pub has both), so --q offers the two.
check "bash: 'mqtk-pub --q<TAB>' offers --qos (and --quiet)" offers "--quiet --qos " mqtk-pub --q
check "bash: 'mqtk-pub --qo<TAB>' completes to --qos" offers "--qos " mqtk-pub --qo
check "bash: 'mqtk-sub -V <TAB>' offers the versions" offers "5 311 auto " mqtk-sub -V ""
check "bash: 'mqtk-pub -f REA<TAB>' offers files" offers "README.md " mqtk-pub -f REA
check "bash: 'mqtk-sub -L <TAB>' offers URL schemes" offers "mqtt:// mqtts:// ws:// wss:// " mqtk-sub -L ""
check "bash: 'mqtk-bench pub<TAB>' offers the modes" offers "pubsub pub " mqtk-bench pub
check "bash: 'mqtk-pub --ws-path REA<TAB>' offers no local files (it is an HTTP path)" offers " " mqtk-pub --ws-path REA
no_roff_leaks() { # a raw string's delimiter left in the text shows up as 'roff' after a word
  ! grep -nE '[^.a-z]roff' "$src"/man/*.[158]
}
check "no man page prints a raw string delimiter ('mosquitto_pub(1)roff')" no_roff_leaks
bench_synopsis() { man -l "$src/man/mqtk-bench.1" 2>/dev/null | grep -A1 SYNOPSIS | grep -q 'sub|conn'; }
check "mqtk-bench(1) SYNOPSIS names every mode, conn included" bench_synopsis
backslash_renders() { # -F's \\ (backslash) must render as two backslashes, not as "\e\e"
  local page
  page=$(man -l "$src/man/mqtk-sub.1" 2>/dev/null)
  grep -qF '\0 \\' <<<"$page" && ! grep -qF '\e\e' <<<"$page"
}
check "mqtk-sub(1) shows the backslash escape as \\\\" backslash_renders
no_test_hooks() { ! grep -q 'skip\\-sequence' "$src/man/mqtk-bench.1" && ! "$apps/mqtk-bench" --help | grep -q skip-sequence; }
check "test hooks (--skip-sequence) are neither in --help nor in the man page" no_test_hooks

# EXAMPLES: each command runs against a local broker (MQTK_HOST/MQTK_PORT point the clients at
# it); subscribers get a retained message on sensors/1 first.
# TLS and WebSocket examples use the test PKI (ca.crt, server.crt in $work) and the extra
# listeners' ports in place of 8883 and 8080.
bash "$src/tests/support/make_certs.sh" "$work/pki" && cp "$work"/pki/{ca,server}.{crt,key} "$work"
start_broker "$apps/mqtk-broker" -L mqtts://127.0.0.1:0 -L ws://127.0.0.1:0 \
  --certfile "$work/server.crt" --keyfile "$work/server.key"
export PATH="$apps:$PATH" MQTK_HOST=127.0.0.1 MQTK_PORT=$port
mqtk-pub -t sensors/1 -m '{"t":21.5}' -r -q 1
examples() { # PAGE: prints each example command, one per line
  awk '/^\.SH EXAMPLES/ {on=1} /^\.SH SEE ALSO/ {on=0} on && /^\.EX/ {getline; print}' "$1" |
    sed 's/\\e/\\/g'
}
run_example() {
  local command=${1//:8883/:${ports[1]}}
  command=${command//:8080/:${ports[2]}}
  (cd "$work" && timeout 10 bash -c "$command" >/dev/null 2>"$work/example.err") ||
    { echo "failed: $1" >&2; cat "$work/example.err" >&2; return 1; }
}
for page in "$src/man/mqtk-pub.1" "$src/man/mqtk-sub.1" "$src/man/mqtk-bench.1" \
  "$src/man/mqtk-passwd.1"; do
  while IFS= read -r command; do
    check "example from $(basename "$page"): $command" run_example "$command"
  done < <(examples "$page")
done
broker_example() { # runs a broker example on free ports; it must start listening
  local command=${1//1883/0}
  command=${command//8883/0}
  command=${command//8080/0}
  command=${command//\/tmp\/mqtk.sock/$work/example.sock}
  (cd "$work" && timeout 2 bash -c "$command" 2>"$work/broker-example.err"; true)
  grep -q "listening on" "$work/broker-example.err"
}
# The password file is the one mqtk-passwd's examples made; the ACL file is the user's own.
printf 'user alice\ntopic readwrite #\n' >"$work/acl"
while IFS= read -r command; do
  check "example from mqtk-broker.8: $command" broker_example "$command"
done < <(examples "$src/man/mqtk-broker.8")
conf_example() {
  awk '/^\.EX/ {on=1; next} /^\.EE/ {on=0} on' "$src/man/mqtk-broker.conf.5" |
    sed 's/^listener [0-9]*/listener 0/' >"$work/example.conf"
  (timeout 2 "$apps/mqtk-broker" -c "$work/example.conf" 2>"$work/conf-example.err"; true)
  [ "$(grep -c "listening on" "$work/conf-example.err")" -eq 2 ]
}
check "example from mqtk-broker.conf.5 starts a broker with both listeners" conf_example
finish
