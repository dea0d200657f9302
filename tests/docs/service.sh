#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The broker as a service: the shipped configuration passes mqtk-broker --test-config, the unit
# passes systemd-analyze verify, the .deb carries both with its maintainer scripts and conffile,
# and (as root) dpkg installs it into an empty root directory, making the mqtk user there and
# enabling the unit, removes it keeping the conffile and purges it, leaving the machine alone.
# usage: service.sh BUILD_DIR
. "$(dirname "$0")/../interop/lib.sh"
build=$(cd "$1" && pwd)
stage="$work/stage"
unit=lib/systemd/system/mqtk-broker.service
conf=etc/mqtk/mqtk-broker.conf

staged() {
  cmake --install "$build" --prefix "$stage" >/dev/null &&
    [ -f "$stage/$conf" ] && [ -f "$stage/$unit" ] &&
    grep -qx "ExecStart=$stage/sbin/mqtk-broker -c $stage/$conf" "$stage/$unit" ||
    { ls -R "$stage" >&2; return 1; }
}
check "cmake --install --prefix DIR puts config and unit under DIR, naming DIR's broker" staged

config_valid() { # its persistence_location, /var/lib/mqtk/, moved to a scratch directory
  mkdir -p "$work/state"
  sed "s|^persistence_location /var/lib/mqtk/$|persistence_location $work/state/|" \
    "$stage/$conf" >"$work/broker.conf"
  ! cmp -s "$stage/$conf" "$work/broker.conf" || { echo "no persistence_location" >&2; return 1; }
  grep -qx "listener 1883 127.0.0.1" "$work/broker.conf" && grep -qx "persistence true" \
    "$work/broker.conf" && grep -q "mqtk-broker.conf(5)" "$work/broker.conf" || return 1
  "$stage/sbin/mqtk-broker" --test-config -c "$work/broker.conf" 2>"$work/test-config.log" ||
    { cat "$work/test-config.log" >&2; return 1; }
  # and --test-config does refuse a bad file
  { cat "$work/broker.conf" && echo "listener x"; } >"$work/bad.conf"
  ! "$stage/sbin/mqtk-broker" --test-config -c "$work/bad.conf" 2>/dev/null
}
check "the shipped mqtk-broker.conf passes mqtk-broker --test-config" config_valid

unit_verifies() {
  if ! command -v systemd-analyze >/dev/null; then
    echo "# skipped: no systemd-analyze (Debian's systemd package), the unit is not verified"
    return 0
  fi
  # verify checks that ExecStart's binary exists and that man finds the Documentation= pages;
  # anything it prints (an unknown key, a bad value) is a failure too.
  MANPATH="$stage/share/man" systemd-analyze verify "$stage/$unit" >"$work/verify.log" 2>&1 &&
    [ ! -s "$work/verify.log" ] || { cat "$work/verify.log" >&2; return 1; }
}
check "systemd-analyze verify passes the staged unit (its binary, its man pages)" unit_verifies

package() {
  (cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" >/dev/null) || return 1
  deb=$(ls "$work"/mqtk_*.deb) || return 1
  local files
  files=$(dpkg-deb -c "$deb") &&
    grep -Eq "^-rw-r--r-- root/root .* \./$conf$" <<<"$files" &&
    grep -Eq "^-rw-r--r-- root/root .* \./$unit$" <<<"$files" || { echo "$files" >&2; return 1; }
  local control
  control=$(dpkg-deb --ctrl-tarfile "$deb" | tar -tv) &&
    grep -Eq "^-rwxr-xr-x root/root .* \./postinst$" <<<"$control" &&
    grep -Eq "^-rwxr-xr-x root/root .* \./prerm$" <<<"$control" &&
    grep -Eq "^-rwxr-xr-x root/root .* \./postrm$" <<<"$control" ||
    { echo "$control" >&2; return 1; }
  [ "$(dpkg-deb -I "$deb" conffiles)" = "/$conf" ] ||
    { dpkg-deb -I "$deb" conffiles >&2; return 1; }
  # the packaged unit is the verified one but for the staged paths
  dpkg-deb -x "$deb" "$work/data" &&
    sed "s|$stage/sbin/|/usr/sbin/|; s|$stage/etc/|/etc/|" "$stage/$unit" |
    diff - "$work/data/$unit" &&
    grep -qx "ExecStart=/usr/sbin/mqtk-broker -c /$conf" "$work/data/$unit"
}
check "the .deb holds the conffile, the unit and 0755 postinst, prerm and postrm" package

# As root only: dpkg into $root, an empty directory with the account files of a bare system.
# --force-script-chrootless runs the maintainer scripts here with DPKG_ROOT=$root; --force-depends
# because none of the package's dependencies is installed in $root. In a mount namespace of its
# own where this machine's /etc and /var/lib are read-only, so that a script ignoring DPKG_ROOT
# fails instead of adding a user here or enabling a unit.
root="$work/root"
dpkg_root() {
  unshare --mount --propagation private sh -c \
    'mount --bind -o ro /etc /etc && mount --bind -o ro /var/lib /var/lib && exec "$@"' sh \
    dpkg --root="$root" --log="$root/dpkg.log" --force-script-chrootless "$@"
}
# dpkg_quiet ARGS...: dpkg_root, its output shown only when it fails.
dpkg_quiet() { dpkg_root "$@" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; return 1; }; }
status() { dpkg-query --root="$root" -W -f '${Status}' mqtk 2>/dev/null; }
show_root() { find "$root" -path "$root/var/lib/dpkg" -prune -o -print >&2; return 1; }
wants=etc/systemd/system/multi-user.target.wants/mqtk-broker.service
host_sums() { sha256sum /etc/passwd /etc/group /etc/shadow /etc/gshadow 2>/dev/null; }
host_unchanged() {
  host_sums | cmp -s - "$work/host.sums" || { echo "this machine's accounts changed" >&2; return 1; }
}

installs() {
  mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/etc" &&
    : >"$root/var/lib/dpkg/status" && : >"$root/var/lib/dpkg/available" &&
    echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd" &&
    echo "root:x:0:" >"$root/etc/group" &&
    echo "root:*:19000:0:99999:7:::" >"$root/etc/shadow" &&
    echo "root:*::" >"$root/etc/gshadow" && chmod 0640 "$root/etc/shadow" "$root/etc/gshadow" ||
    return 1
  host_sums >"$work/host.sums"
  dpkg_quiet --force-depends -i "$deb" || return 1
  [ "$(status)" = "install ok installed" ] || { status >&2; return 1; }
  local f
  for f in usr/sbin/mqtk-broker usr/bin/mqtk-pub "$conf" "$unit"; do
    [ -f "$root/$f" ] || { echo "missing $f" >&2; return 1; }
  done
  # the user and group, in $root and not on this machine
  local line
  line=$(grep '^mqtk:' "$root/etc/passwd") &&
    [[ "$line" =~ ^mqtk:x:([0-9]+):([0-9]+):[^:]*:/var/lib/mqtk:/usr/sbin/nologin$ ]] &&
    [ "${BASH_REMATCH[1]}" -lt 1000 ] && grep -q "^mqtk:x:${BASH_REMATCH[2]}:" "$root/etc/group" &&
    grep -q '^mqtk:' "$root/etc/shadow" ||
    { cat "$root/etc/passwd" "$root/etc/group" >&2; return 1; }
  [ "$(stat -c '%a %u:%g' "$root/var/lib/mqtk")" = "700 ${BASH_REMATCH[1]}:${BASH_REMATCH[2]}" ] ||
    { stat "$root/var/lib/mqtk" >&2; return 1; }
  host_unchanged || return 1
  # enabled (started or not is not seen here: under DPKG_ROOT systemd is never asked)
  [ "$(readlink "$root/$wants")" = "/$unit" ] || { ls -lR "$root/etc/systemd" >&2; return 1; }
}

reinstall_keeps_choices() { # the admin's `systemctl disable` and edits survive an upgrade
  rm "$root/$wants" && echo "# edited" >>"$root/$conf" &&
    dpkg_quiet --force-depends --force-confold -i "$deb" || return 1
  [ ! -L "$root/$wants" ] && tail -1 "$root/$conf" | grep -qx "# edited" &&
    [ "$(grep -c '^mqtk:' "$root/etc/passwd")" = 1 ] || show_root || return 1
  ln -s "/$unit" "$root/$wants" # enabled again, for the purge below
}

removes() {
  echo "alice:x" >"$root/etc/mqtk/passwd" # the admin's file
  touch "$root/var/lib/mqtk/mqtk.db" "$root/var/lib/mqtk/mqtk.db-wal" "$root/var/lib/mqtk/mqtk.db-log"
  dpkg_quiet -r mqtk || return 1
  [ "$(status)" = "deinstall ok config-files" ] || { status >&2; return 1; }
  [ ! -e "$root/usr/sbin/mqtk-broker" ] && [ ! -e "$root/$unit" ] &&
    tail -1 "$root/$conf" | grep -qx "# edited" && [ -f "$root/var/lib/mqtk/mqtk.db" ] &&
    [ -L "$root/$wants" ] || show_root
}

purges() {
  dpkg_quiet --purge mqtk || return 1
  [ -z "$(status)" ] || { status >&2; return 1; }
  [ ! -e "$root/$conf" ] && [ ! -e "$root/var/lib/mqtk" ] && [ ! -L "$root/$wants" ] &&
    [ ! -e "$root/var/lib/systemd/deb-systemd-helper-enabled/mqtk-broker.service.dsh-also" ] &&
    [ -f "$root/etc/mqtk/passwd" ] && grep -q '^mqtk:' "$root/etc/passwd" || show_root || return 1
  host_unchanged
}

if [ "$(id -u)" -ne 0 ]; then
  echo "# skipped: not root, so the .deb is not installed into a --root directory"
elif ! unshare --mount --propagation private true 2>/dev/null; then
  echo "# skipped: no mount namespace (unshare --mount) to keep dpkg --root off this machine"
elif [ -n "${deb:-}" ]; then
  check "dpkg --root installs: files, the mqtk user there (not here), unit enabled" installs
  check "installing again keeps a disabled unit disabled and an edited conffile" \
    reinstall_keeps_choices
  check "dpkg --root -r removes the binaries, keeps the conffile and the store" removes
  check "dpkg --root --purge removes conffile, store and enablement; keeps the admin's files" purges
fi
finish
