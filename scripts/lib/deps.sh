# SPDX-License-Identifier: MIT
# Sourced by scripts/*: installs the Debian packages a step needs, once (idempotent).

# The packages that building and testing mqtk needs (Debian 12 names).
BUILD_PACKAGES=(cmake make g++ libcli11-dev libfmt-dev libasio-dev libssl-dev nlohmann-json3-dev
                catch2 libsqlite3-dev)
# Test peers (mosquitto and its clients, paho-mqtt, headless Chromium), openssl for the test
# PKI, shells and man tools for the generated completions and pages, dpkg-dev for the package
# test, systemd for systemd-analyze verify of the service unit (nothing is started with it),
# tmux for a real terminal (mqtk-sub --watch), e2fsprogs for the store on a filesystem that
# fails (tests/durability/read_only_dir.py).
# No broker daemon is started. Node.js comes from ensure_node.
TEST_PACKAGES=(mosquitto mosquitto-clients python3-paho-mqtt openssl chromium zsh fish groff-base
               man-db dpkg-dev sqlite3 systemd tmux e2fsprogs)

# ensure_packages PKG...: installs the missing ones with apt-get as root; otherwise prints the
# exact command and exits 2.
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "mqtk: missing Debian packages. Install them as root with:" >&2
    echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 2
  fi
  echo "mqtk: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# ensure_node: node and npm for the MQTT.js and aedes tests (whose npm packages the tests install
# into the build tree). A node already on PATH (e.g. from NodeSource) is used as it is: Debian's
# npm package would conflict with it.
ensure_node() {
  command -v node >/dev/null && command -v npm >/dev/null && return 0
  ensure_packages nodejs npm
}
