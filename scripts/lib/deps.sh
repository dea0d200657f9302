# SPDX-License-Identifier: MIT
# Sourced by scripts/*: installs the Debian packages a step needs, once (idempotent).

# The packages that building and testing mqtk needs (Debian 12 names).
BUILD_PACKAGES=(cmake make g++ libcli11-dev libfmt-dev libasio-dev libssl-dev nlohmann-json3-dev
                catch2)
# Test peers (mosquitto and its clients, paho-mqtt), shells and man tools for the generated
# completions and pages, dpkg-dev for the package test. No broker daemon is started.
TEST_PACKAGES=(mosquitto mosquitto-clients python3-paho-mqtt openssl zsh fish groff-base man-db
               dpkg-dev)

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
