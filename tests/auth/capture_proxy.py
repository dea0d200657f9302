#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# A loopback TCP relay that records every byte both ways: captures what a client and a broker
# say to each other. Serves one connection, then exits.
#   capture_proxy.py BROKER_PORT PORT_FILE CAPTURE_FILE
import socket
import sys
import threading

broker_port, port_file, capture_file = int(sys.argv[1]), sys.argv[2], sys.argv[3]
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(1)
with open(port_file + ".tmp", "w") as f:
    f.write(str(listener.getsockname()[1]))
import os
os.rename(port_file + ".tmp", port_file)
listener.settimeout(20)
client, _ = listener.accept()
broker = socket.create_connection(("127.0.0.1", broker_port), timeout=20)
lock = threading.Lock()
captured = bytearray()


def relay(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            with lock:
                captured.extend(data)
            dst.sendall(data)
    except OSError:
        pass
    finally:
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass


threads = [threading.Thread(target=relay, args=(client, broker)),
           threading.Thread(target=relay, args=(broker, client))]
for t in threads:
    t.start()
for t in threads:
    t.join(20)
with open(capture_file, "wb") as f:
    f.write(captured)
