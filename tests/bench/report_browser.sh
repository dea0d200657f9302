#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mqtk-bench's HTML reports rendered by a real browser: headless Chromium lays out a run's
# report, a conn run's, a merged two-instance run's and a comparison, and a script measures what
# it drew (report_check.js); report_browser.py checks the measurements.
# usage: report_browser.sh PATH/TO/mqtk-bench PATH/TO/mqtk-broker
. "$(dirname "$0")/../interop/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
bench=$1
T="timeout 60"
start_broker "$2"

$T "$bench" -p "$port" --rate 400 --count 800 -q 1 --publishers 2 --subscribers 2 \
  --skip-sequence 5 --drain 0.5 --quiet --report "$work/run.html" --save "$work/run.json" >/dev/null
$T "$bench" conn -p "$port" --clients 100 --connect-rate 200 --duration 1 --quiet \
  --report "$work/conn.html" >/dev/null
at=$(($(date +%s) + 2))
$T "$bench" sub -p "$port" --instance 2/2 --start-at "$at" --duration 2 --drain 1 -q 1 --quiet \
  --save "$work/sub.json" >/dev/null &
sub=$!
$T "$bench" pub -p "$port" --instance 1/2 --start-at "$at" --rate 400 --count 800 -q 1 --quiet \
  --save "$work/pub.json" >/dev/null
wait "$sub"
"$bench" merge "$work/pub.json" "$work/sub.json" --save "$work/merged.json" \
  --report "$work/merged.html" >/dev/null
"$bench" compare "$work/run.json" "$work/merged.json" --report "$work/compare.html" >/dev/null

# render PAGE: Chromium's DOM after layout, with the measuring script added at the end.
render() {
  sed "s|</body>|<script src='file://$here/report_check.js'></script></body>|" "$work/$1.html" \
    >"$work/$1-checked.html"
  timeout 90 chromium --headless=new --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$work/profile-$1" --allow-file-access-from-files \
    --dump-dom "file://$work/$1-checked.html" 2>"$work/chromium-$1.log"
}
rendered() { # KIND [LEGEND...]
  local kind=$1
  shift
  render "$kind" | /usr/bin/python3 "$here/report_browser.py" "$kind" "$@"
}
check "a run's report: four charts with axes, ticks, legends, lines inside" rendered run sent received p99.9
check "a conn run's report: connections over time and the CONNACK spectrum" rendered conn connected
check "a merged run's report: each instance's own lines too" rendered merged "(1/2) sent" "(2/2) received"
check "a comparison: both runs on the same axes and the ratio table" rendered compare "A p99" "B p99"
finish
