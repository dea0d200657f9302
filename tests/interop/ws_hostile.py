#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Hostile input on mqtk-broker's WebSocket and TLS listeners, spoken byte by byte from Python:
# each bad handshake or frame is refused the way RFC 6455 and [MQTT-6.0.0-x] say, a silent
# client is dropped at the handshake deadline, and the broker keeps serving a good client.
# usage: ws_hostile.py PATH/TO/mqtk-broker
import os, shutil, socket, ssl, struct, subprocess, sys, tempfile, threading, time

broker_bin = sys.argv[1]
work = tempfile.mkdtemp()
pki = os.path.join(work, "pki")
subprocess.run(["bash", os.path.join(os.path.dirname(__file__), "../support/make_certs.sh"), pki],
               check=True)
port_file = os.path.join(work, "ports")
broker = subprocess.Popen([broker_bin, "-L", "ws://127.0.0.1:0", "-L", "mqtts://127.0.0.1:0",
                           "--certfile", pki + "/server.crt", "--keyfile", pki + "/server.key",
                           "--port-file", port_file, "--sys-interval", "0"],
                          stderr=subprocess.DEVNULL)
for _ in range(400):
    if os.path.exists(port_file):
        break
    time.sleep(0.025)
ws_port, tls_port = [int(x) for x in open(port_file).read().split()]
failed = 0

def check(name, ok):
    global failed
    print(("ok - " if ok else "not ok - ") + name)
    failed += 0 if ok else 1

UPGRADE = ("GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n{}\r\n")

def upgraded(protocol="Sec-WebSocket-Protocol: mqtt\r\n"):
    s = socket.create_connection(("127.0.0.1", ws_port), timeout=5)
    s.sendall(UPGRADE.format(protocol).encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(4096)
        if not chunk:
            break
        head += chunk
    return s, head

def read_all(s):
    data = b""
    try:
        while True:
            chunk = s.recv(4096)
            if not chunk:
                return data, True
            data += chunk
    except socket.timeout:
        return data, False

def masked(opcode, payload, fin=True, length=None):
    key = b"\x01\x02\x03\x04"
    n = len(payload) if length is None else length
    b0 = (0x80 if fin else 0) | opcode
    if n < 126:
        head = struct.pack("!BB", b0, 0x80 | n)
    elif n < 65536:
        head = struct.pack("!BBH", b0, 0x80 | 126, n)
    else:
        head = struct.pack("!BBQ", b0, 0x80 | 127, n)
    return head + key + bytes(c ^ key[i % 4] for i, c in enumerate(payload))

def closed_with(frame, code):
    s, head = upgraded()
    if not head.startswith(b"HTTP/1.1 101"):
        return False
    s.sendall(frame)
    data, eof = read_all(s)
    # A server frame: 0x88, length, then the status code.
    return eof and len(data) >= 4 and data[0] == 0x88 and struct.unpack("!H", data[2:4])[0] == code

CONNECT = bytes([0x10, 0x0d, 0, 4]) + b"MQTT" + bytes([5, 2, 0, 60, 0, 0, 0])  # v5, clean, id ""

def good_client():
    s, head = upgraded()
    s.sendall(masked(2, CONNECT[:5]) + masked(2, CONNECT[5:]))  # one packet over two frames
    data = s.recv(100)
    return head.startswith(b"HTTP/1.1 101") and b"Sec-WebSocket-Protocol: mqtt" in head and \
        data[:1] == b"\x82" and data[2] == 0x20  # binary frame holding CONNACK

check("a good client: 101 with subprotocol mqtt, CONNECT over two frames, CONNACK back", good_client())
s, head = upgraded(protocol="")
check("an upgrade without the mqtt subprotocol gets HTTP 400 [MQTT-6.0.0-3]",
      head.startswith(b"HTTP/1.1 400") and read_all(s)[1])
check("a text frame is closed with 1003 [MQTT-6.0.0-1]", closed_with(masked(1, b"hello"), 1003))
check("an unmasked frame is closed with 1002", closed_with(b"\x82\x02\x10\x00", 1002))
check("a 2^63 length is closed with 1002",
      closed_with(b"\x82\xff\x80\x00\x00\x00\x00\x00\x00\x00\x01\x02\x03\x04", 1002))
check("a frame over the maximum is closed with 1009", closed_with(masked(2, b"", length=1 << 40), 1009))
check("a ping is answered with a pong of the same payload",
      (lambda s: (s[0].sendall(masked(9, b"hi")), s[0].recv(10))[1] == b"\x8a\x02hi")(upgraded()))
check("a close is answered with a close of the same code", closed_with(masked(8, b"\x03\xe8"), 1000))

def tls_garbage():
    s = socket.create_connection(("127.0.0.1", tls_port), timeout=5)
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" * 10)
    return read_all(s)[1]
check("garbage instead of a TLS ClientHello is dropped", tls_garbage())

def silent(port, results, i):
    s = socket.create_connection(("127.0.0.1", port), timeout=15)
    start = time.monotonic()
    _, eof = read_all(s)
    results[i] = eof and time.monotonic() - start < 13
results = [False, False]
threads = [threading.Thread(target=silent, args=(p, results, i)) for i, p in enumerate([ws_port, tls_port])]
for t in threads:
    t.start()
for t in threads:
    t.join()
check("silent WebSocket and TLS clients are dropped at the handshake deadline (10 s)", all(results))

ctx = ssl.create_default_context(cafile=pki + "/ca.crt")
with ctx.wrap_socket(socket.create_connection(("127.0.0.1", tls_port), timeout=5),
                     server_hostname="localhost") as t:
    t.sendall(CONNECT)
    check("after all that the broker still serves a TLS client", t.recv(5)[:1] == b"\x20")
check("and a WebSocket client", good_client())
broker.terminate()
broker.wait()
shutil.rmtree(work)
print("%d failed" % failed)
sys.exit(1 if failed else 0)
