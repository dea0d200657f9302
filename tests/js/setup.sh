#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the JavaScript test peers (MQTT.js, aedes, ws; versions pinned in package.json) into
# DIR with npm, once: a later run with the same package.json does nothing.
#   setup.sh DIR
set -euo pipefail
dir=$1
src=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dir"
if cmp -s "$src/package.json" "$dir/package.json" && [ -d "$dir/node_modules/mqtt" ] &&
  [ -d "$dir/node_modules/aedes" ] && [ -d "$dir/node_modules/ws" ]; then
  exit 0
fi
cp "$src/package.json" "$dir/package.json"
cd "$dir"
npm install --no-audit --no-fund --no-package-lock --loglevel=error >/dev/null
echo "installed $(node -p 'require("mqtt/package.json").version') (mqtt)," \
  "$(node -p 'require("aedes/package.json").version') (aedes) into $dir"
