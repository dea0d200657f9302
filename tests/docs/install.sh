#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `cmake --install` into a staging directory puts every file where it belongs and the installed
# tools work (--version, a publish to the installed broker); cpack -G DEB builds a package with
# computed dependencies and the same files.
# usage: install.sh BUILD_DIR
. "$(dirname "$0")/../interop/lib.sh"
build=$(cd "$1" && pwd)
stage="$work/stage"

installed() {
  cmake --install "$build" --prefix "$stage" >/dev/null || return 1
  local f
  for f in bin/mqtk-pub bin/mqtk-sub bin/mqtk-bench bin/mqtk-passwd sbin/mqtk-broker \
    lib/mqtk/libmqtk-openssl.so share/man/man1/mqtk-pub.1 share/man/man1/mqtk-passwd.1 \
    share/man/man1/mqtk-bench.1 \
    share/man/man1/mqtk-sub.1 share/man/man5/mqtk-broker.conf.5 share/man/man8/mqtk-broker.8 \
    share/bash-completion/completions/mqtk-pub share/bash-completion/completions/mqtk-sub \
    share/zsh/site-functions/_mqtk-pub share/fish/vendor_completions.d/mqtk-sub.fish; do
    [ -e "$stage/$f" ] || { echo "missing $f" >&2; return 1; }
  done
}
check "cmake --install places binaries, man pages (1, 5, 8) and completions" installed

versions() {
  local t
  for t in bin/mqtk-pub bin/mqtk-sub bin/mqtk-bench bin/mqtk-passwd sbin/mqtk-broker; do
    "$stage/$t" --version | grep -Eq "^mqtk-[a-z]+ [0-9.]+ \(commit [0-9a-f]{7}.*; transports: tcp, tls, ws, wss, unix\)$" ||
      { "$stage/$t" --version >&2; return 1; }
  done
}
check "installed tools print version, commit and transports" versions

publish() {
  start_broker "$stage/sbin/mqtk-broker"
  "$stage/bin/mqtk-pub" -p "$port" -t kept -m installed -r -q 1 &&
    [ "$("$stage/bin/mqtk-sub" -p "$port" -t kept -C 1 -W 5)" = installed ]
}
check "installed mqtk-pub publishes to the installed broker" publish

tls_publish() {
  bash "$(dirname "$0")/../support/make_certs.sh" "$work/certs" || return 1
  local c="$work/certs"
  start_broker "$stage/sbin/mqtk-broker" -L "mqtts://127.0.0.1:0" --certfile "$c/server.crt" \
    --keyfile "$c/server.key"
  local url="mqtts://127.0.0.1:${ports[1]}/kept"
  "$stage/bin/mqtk-pub" -L "$url" --cafile "$c/ca.crt" -m secret -r -q 1 &&
    [ "$("$stage/bin/mqtk-sub" -L "$url" --cafile "$c/ca.crt" -C 1 -W 5)" = secret ]
}
check "installed tools load the installed OpenSSL module (mqtts)" tls_publish

passwd_login() { # the installed mqtk-passwd hashes with the installed module; the broker checks
  echo secret | "$stage/bin/mqtk-passwd" -c -I 1000 "$work/passwords" ann &&
    grep -q '^ann:\$7\$1000\$' "$work/passwords" || return 1
  start_broker "$stage/sbin/mqtk-broker" --password-file "$work/passwords"
  "$stage/bin/mqtk-pub" -p "$port" -u ann -P secret -t t -m in -q 1
}
check "installed mqtk-passwd writes a file the installed broker logs a user in with" passwd_login

package() {
  (cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" >/dev/null) || return 1
  local deb
  deb=$(ls "$work"/mqtk_*.deb) || return 1
  [[ "$(dpkg-deb -f "$deb" Depends)" == *libc6* ]] || { dpkg-deb -I "$deb" >&2; return 1; }
  local files
  files=$(dpkg-deb -c "$deb") &&
    grep -q "./usr/share/bash-completion/completions/mqtk-pub$" <<<"$files" &&
    grep -q "./usr/share/man/man1/mqtk-sub.1$" <<<"$files" &&
    grep -q "./usr/sbin/mqtk-broker$" <<<"$files" &&
    grep -q "./usr/bin/mqtk-passwd$" <<<"$files"
}
check "cpack -G DEB builds mqtk_*.deb with computed Depends and every file" package
finish
