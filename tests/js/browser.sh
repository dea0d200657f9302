#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A real browser: headless Chromium loads a page that uses MQTT.js over ws:// against
# mqtk-broker. A message from the page must reach mqtk-sub, and a message from mqtk-pub must
# appear in the page (the page echoes what it shows).
# usage: browser.sh mqtk-pub mqtk-sub mqtk-broker NODE_MODULES_PARENT
. "$(dirname "$0")/../interop/lib.sh"
. "$(dirname "$0")/../cli/tools.sh"
pub=$1
sub=$2
broker=$3
T="timeout 90"
start_broker "$broker" -L ws://127.0.0.1:0
sed -e "s|MQTT_JS|file://$4/node_modules/mqtt/dist/mqtt.min.js|" \
  -e "s|WS_URL|ws://127.0.0.1:${ports[1]}/mqtt|" "$(dirname "$0")/browser_page.html" >"$work/page.html"

sub_bg "$work/seen" -t browser/out -t browser/echo -v -C 2 -q 1
# --no-sandbox: the test may run as root, where Chromium's sandbox refuses to start. setsid
# gives Chromium and the helpers it forks a process group of their own, so that all of them
# (and only they) can be ended together before the profile directory is removed.
setsid chromium --headless=new --no-sandbox --disable-gpu --no-first-run \
  --user-data-dir="$work/profile" "file://$work/page.html" >"$work/chromium.log" 2>&1 &
chromium_pid=$!
pids+=("-$chromium_pid") # if a check fails early, the cleanup ends the whole group
stop_chromium() {
  kill -- "-$chromium_pid" 2>/dev/null || true
  for _ in $(seq 200); do
    pgrep -g "$chromium_pid" >/dev/null || return 0
    sleep 0.025
  done
  kill -KILL -- "-$chromium_pid" 2>/dev/null || true
}

# A cold Chromium on a loaded 2-core CI machine has taken more than 10 s to run the page; the
# page subscribes before it says hello, so mqtk-pub must not publish before the hello is seen.
from_page() { wait_for "browser/out hello from Chrome/" "$work/seen" 45; }
check "a message from the page reaches mqtk-sub" from_page
into_page() {
  $T "$pub" -p "$port" -t browser/in -m "from mqtk-pub" -q 1 &&
    wait "$sub_pid" && grep -qx "browser/echo page shows received: from mqtk-pub" "$work/seen" ||
    { cat "$work/seen" >&2; return 1; }
}
check "a message from mqtk-pub appears in the page" into_page
stop_chromium
finish
