#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mqtk-broker as a service runs it: the log's connect, refuse and disconnect lines from the real
# binary (with the peer's address and a timestamp), log_type and log_timestamp, -d (the exit
# status tells whether it started) and `user` (as root: the broker and its store are the user's).
# usage: broker_service.sh PATH/TO/mqtk-broker PATH/TO/mqtk-pub PATH/TO/mqtk-passwd
. "$(dirname "$0")/../interop/lib.sh"
broker=$1
pub=$2
passwd=$3
py=/usr/bin/python3
support="$(dirname "$0")/../support"

iso='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}[+-][0-9]{2}:[0-9]{2} mqtk-broker: '

# A raw CONNECT with keep-alive 1 s, then silence: the broker must end it for keep-alive.
silent_client() {
  PYTHONPATH="$support" "$py" - "$port" <<'PY'
import socket, sys, time
from rawmqtt import connect
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(connect("quiet", keep_alive=1))
s.settimeout(5)
s.recv(4)  # CONNACK
time.sleep(2.5)
PY
}

connection_lines() {
  echo secret | "$passwd" -c -I 1000 "$work/pw" ann >/dev/null || return 1
  start_broker "$broker" --password-file "$work/pw" --max-packet-size 1000
  "$pub" -p "$port" -u ann -P secret -i c1 -k 30 -t t -m x || return 1
  "$pub" -p "$port" -u ann -P wrong -i c2 -t t -m x 2>/dev/null && return 1
  "$pub" -p "$port" -u ann -P secret -i $'forged\nmqtk-broker: client root connected' -t t -m x ||
    return 1
  # 3.1.1 has no Maximum Packet Size in CONNACK, so the client cannot know the limit first.
  head -c 3000 /dev/zero | mosquitto_pub -h 127.0.0.1 -p "$port" -V mqttv311 -u ann -P secret \
    -i big -t t -s 2>/dev/null
  sleep 0.3
  local log="$work/broker.log"
  grep -Eq "${iso}client c1 connected from 127\.0\.0\.1:[0-9]+ on port $port \(MQTT 5\.0, clean start, keep-alive 30 s, user ann\)$" "$log" &&
    grep -Eq "${iso}client c1 disconnected: it sent DISCONNECT \(Normal disconnection\)$" "$log" &&
    grep -Eq "${iso}client c2 refused from 127\.0\.0\.1:[0-9]+ on port $port: Bad User Name or Password \(0x86\)$" "$log" &&
    ! grep -q "client c2 disconnected" "$log" &&
    grep -Fq 'client forged\x0amqtk-broker: client root connected connected from 127.0.0.1' "$log" &&
    ! grep -q '^mqtk-broker: client root' "$log" &&
    grep -Eq "${iso}client big disconnected: protocol error: a packet of 30[0-9]{2} bytes is over max_packet_size \(1000 bytes\)$" "$log" ||
    { cat "$log" >&2; return 1; }
}
check "the log names each connect, refusal and disconnect with its cause, timestamped; a newline in a client id cannot forge a line" connection_lines

keep_alive_line() {
  start_broker "$broker"
  silent_client || return 1
  sleep 0.3
  grep -Eq "${iso}client quiet disconnected: keep-alive timeout: nothing received for [0-9]+ ms \(keep-alive 1 s\)$" "$work/broker.log" ||
    { cat "$work/broker.log" >&2; return 1; }
}
check "a client silent past its keep-alive is logged as such, with the silence measured" keep_alive_line

log_choices() {
  printf 'log_type error\nlog_type warning\nlog_timestamp false\n' >"$work/quiet.conf"
  start_broker "$broker" -c "$work/quiet.conf"
  "$pub" -p "$port" -i c3 -t t -m x || return 1
  sleep 0.2
  ! grep -q "c3" "$work/broker.log" && ! grep -q "listening" "$work/broker.log" || return 1
  printf 'log_timestamp_format %%Y %%H\n' >"$work/stamp.conf"
  start_broker "$broker" -c "$work/stamp.conf" -v
  "$pub" -p "$port" -i c4 -t t -m x || return 1
  sleep 0.2
  grep -Eq '^[0-9]{4} [0-9]{2} mqtk-broker: client c4 connected' "$work/broker.log" &&
    grep -Eq '^[0-9]{4} [0-9]{2} mqtk-broker: connection [0-9]+ opened from 127\.0\.0\.1' "$work/broker.log" ||
    { cat "$work/broker.log" >&2; return 1; }
}
check "log_type picks the lines, log_timestamp and log_timestamp_format the stamp; -v adds sockets" log_choices

listener_keys() {
  printf 'listener 0\nsocket_domain ipv6\nset_tcp_nodelay false\nretain_available false\n' >"$work/six.conf"
  start_broker "$broker" -c "$work/six.conf"
  grep -Eq "listening on \[::1\]:${ports[0]}$" "$work/broker.log" &&
    "$pub" -L "mqtt://[::1]:${ports[0]}/t" -m over-ipv6 &&
    ! "$pub" -p "$port" -t t -m kept -r 2>/dev/null || { cat "$work/broker.log" >&2; return 1; }
  printf 'listener 0 127.0.0.1\nsocket_domain ipv6\n' >"$work/clash.conf"
  local out
  out=$("$broker" --test-config -c "$work/clash.conf" 2>&1)
  [ $? -eq 2 ] && grep -q "clash.conf:2: socket_domain ipv6 disagrees with the listener's address 127.0.0.1" <<<"$out"
}
check "socket_domain ipv6 listens on ::1, retain_available false refuses retained messages" listener_keys

mount_point() {
  printf 'listener 0\nmount_point site1/\nlistener 0\n' >"$work/mount.conf"
  start_broker "$broker" -c "$work/mount.conf" # ports: site1/, plain, then -p 0
  "$pub" -p "${ports[0]}" -t kept -m inside -r -q 1 &&
    [ "$(mosquitto_sub -h 127.0.0.1 -p "${ports[1]}" -t site1/kept -C 1 -W 5)" = inside ] &&
    [ "$(mosquitto_sub -h 127.0.0.1 -p "${ports[0]}" -t kept -C 1 -W 5 -v)" = "kept inside" ] &&
    ! mosquitto_sub -h 127.0.0.1 -p "${ports[0]}" -t site1/kept -C 1 -W 1 >/dev/null 2>&1
}
check "mount_point: a listener's clients live under its prefix, as in mosquitto" mount_point

# syslog(3) writes datagrams to /dev/log; with no syslog daemon here, the test is the daemon.
to_syslog() {
  if [ -e /dev/log ] || [ "$(id -u)" != 0 ]; then
    echo "# skipped: /dev/log belongs to a syslog daemon here (or not root to stand in for one)"
    return 0
  fi
  "$py" - "$work/syslog.txt" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
s.settimeout(3)
out = open(sys.argv[1], "w")
try:
    while True:
        out.write(s.recv(4096).decode(errors="replace") + "\n")
        out.flush()
except socket.timeout:
    pass
finally:
    import os
    os.unlink("/dev/log")
PY
  local listener=$!
  pids+=("$listener")
  for _ in $(seq 100); do [ -S /dev/log ] && break; sleep 0.02; done
  printf 'log_dest syslog\nlog_facility 3\n' >"$work/syslog.conf"
  start_broker "$broker" -c "$work/syslog.conf"
  "$pub" -p "$port" -i via-syslog -t t -m x || return 1
  sleep 0.3
  kill "$broker_pid"
  wait "$listener"
  # local3 (19) x 8 + notice (5) = 157; information (6) = 158
  grep -Eq '^<157>.*mqtk-broker\[[0-9]+\]: client via-syslog connected from 127\.0\.0\.1' "$work/syslog.txt" &&
    grep -Eq '^<158>.*mqtk-broker\[[0-9]+\]: listening on 127\.0\.0\.1' "$work/syslog.txt" ||
    { cat "$work/syslog.txt" >&2; return 1; }
}
check "log_dest syslog with log_facility: each line as a datagram with its level as priority" to_syslog

unwritable_log() { # the log on a pipe nobody reads any more, or on a full disk: it keeps serving
  local sink pid i
  for sink in pipe full; do
    rm -f "$work/port"
    if [ "$sink" = pipe ]; then
      "$broker" -p 0 --port-file "$work/port" --sys-interval 0 -v 2> >(head -c 1 >/dev/null) &
    else
      "$broker" -p 0 --port-file "$work/port" --sys-interval 0 -v 2>/dev/full &
    fi
    pid=$!
    pids+=("$pid")
    for _ in $(seq 200); do [ -s "$work/port" ] && break; sleep 0.025; done
    for i in 1 2 3; do
      timeout 10 "$pub" -p "$(head -1 "$work/port")" -i "log$i" -q 1 -t t -m x || { echo "$sink: publish $i failed" >&2; return 1; }
    done
    kill "$pid" && wait "$pid"
    [ $? -eq 0 ] || { echo "$sink: the broker did not exit 0 on SIGTERM" >&2; return 1; }
  done
}
check "a log that cannot be written (closed pipe, full disk) never stops the broker" unwritable_log

daemon() {
  "$broker" -d -p 0 --port-file "$work/dport" --sys-interval 0 \
    -c <(printf 'pid_file %s\nlog_dest file %s\n' "$work/d.pid" "$work/d.log") || return 1
  local pid
  pid=$(cat "$work/d.pid") && pids+=("$pid")
  # In its own session, its parent gone; it serves and logs to its file.
  [ "$(ps -o sid= -p "$pid" | tr -d ' ')" = "$pid" ] &&
    "$pub" -p "$(head -1 "$work/dport")" -i in-bg -t t -m x &&
    sleep 0.2 && grep -q "client in-bg connected" "$work/d.log" || return 1
  # A second one on the same port cannot listen: the parent exits 1 instead of 0.
  "$broker" -d -p "$(head -1 "$work/dport")" 2>"$work/d2.err"
  [ $? -eq 1 ] && grep -q "Address already in use" "$work/d2.err" || { cat "$work/d2.err" >&2; return 1; }
  kill "$pid"
}
check "-d: exits 0 once listening and serves in its own session; exits 1 when it cannot listen" daemon

drop_to_user() {
  if [ "$(id -u)" != 0 ]; then
    echo "# skipped: not root, the change of user cannot be tried"
    return 0
  fi
  local d="$work/state"
  mkdir -p "$d" && chown nobody "$d" && chmod 755 "$work" || return 1
  printf 'user nobody\npersistence true\npersistence_location %s/\n' "$d" >"$work/user.conf"
  start_broker "$broker" -c "$work/user.conf"
  "$pub" -p "$port" -i durable -t t -m x -q 1 -r || return 1
  [ "$(awk '/^Uid:/{print $2}' "/proc/$broker_pid/status")" = "$(id -u nobody)" ] &&
    [ "$(stat -c %U "$d/mqtk.db")" = nobody ] && [ "$(stat -c %a "$d/mqtk.db")" = 600 ] &&
    grep -q "running as user nobody" "$work/broker.log" || { cat "$work/broker.log" >&2; return 1; }
  printf 'user no-such-user-here\n' >"$work/nouser.conf"
  local out
  out=$("$broker" --test-config -c "$work/nouser.conf" 2>&1)
  [ $? -eq 2 ] && grep -q "user no-such-user-here: no such user" <<<"$out"
}
check "user: as root the broker runs as that user once listening, and its store is that user's" drop_to_user
finish
