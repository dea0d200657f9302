#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# A broker that speaks only MQTT 3.1.1, for -V auto tests: it refuses protocol level 5 with the
# 3.1.1 return code 1, accepts level 4 and logs what the client sent then. Two connections, then
# it exits. With --ws it speaks MQTT over WebSocket (RFC 6455), so a layered transport falls back.
# usage: broker_311_only.py PORT_FILE LOG_FILE [--ws]
import base64
import hashlib
import socket
import sys

ws = "--ws" in sys.argv[3:]
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(4)
open(sys.argv[1], "w").write(str(server.getsockname()[1]))
log = open(sys.argv[2], "w")


def upgrade(c):
    """Answers the HTTP upgrade; returns what the client sent after its request."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = c.recv(4096)
        if not chunk:
            return None
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    key = next(l.split(b":", 1)[1].strip() for l in head.split(b"\r\n")
               if l.lower().startswith(b"sec-websocket-key:"))
    accept = base64.b64encode(hashlib.sha1(key + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest())
    c.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              b"Sec-WebSocket-Accept: " + accept + b"\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n")
    return rest


def ws_payloads(c, buf):
    """The payloads of the client's (masked, short) frames until a close frame or EOF."""
    while True:
        while len(buf) < 2 or len(buf) < 6 + (buf[1] & 0x7F):
            chunk = c.recv(4096)
            if not chunk:
                return
            buf += chunk
        n, mask, op = buf[1] & 0x7F, buf[2:6], buf[0] & 0x0F
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(buf[6:6 + n]))
        buf = buf[6 + n:]
        if op == 8:
            return
        yield payload


def tcp_chunks(c):
    while True:
        chunk = c.recv(4096)
        if not chunk:
            return
        yield chunk


for _ in range(2):
    c, _ = server.accept()
    if ws:
        rest = upgrade(c)
        if rest is None:
            continue
        incoming = ws_payloads(c, rest)
    else:
        incoming = tcp_chunks(c)
    connect = next(incoming, b"")
    level = connect[8] if len(connect) > 8 else 0
    log.write(f"CONNECT level {level}\n")
    log.flush()
    frame = (lambda p: bytes([0x82, len(p)]) + p) if ws else (lambda p: p)
    if level == 5:
        c.sendall(frame(b"\x20\x02\x00\x01"))
        c.close()
        continue
    c.sendall(frame(b"\x20\x02\x00\x00"))
    rest = b"".join(incoming)
    log.write(f"then {rest.hex()}\n")
    log.flush()
