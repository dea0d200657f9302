#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Takeover storm (issue 17): two clients share one client id and reconnect every 10 ms, each
# time subscribing, publishing QoS 1, unsubscribing, half of the time with a persistent session
# and half in MQTT 5, often cut mid-packet; meanwhile, every second, a fresh client must get a
# QoS 1 round trip within 2 s. Run under ASan in CI: the broker's exit status carries any report.
#   takeover_storm_live.py MQTK_BROKER [SECONDS]      (default 30)
import os, random, socket, sys, threading, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import rawmqtt as m

broker_bin = sys.argv[1]
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 30
check = m.checklist()
b = m.broker(broker_bin, "-p", "0", "--sys-interval", "1", *sys.argv[3:])
stop = threading.Event()
rounds = [0, 0]
ended_by_broker = [0, 0]  # taken over by the other, or cut for a packet cut short


def storm(k):
    rng = random.Random(k)
    while not stop.is_set():
        v5, clean = rng.random() < 0.5, rng.random() < 0.5
        script = [m.connect("contested", keep_alive=5, clean=clean, v5=v5,
                            session_expiry=0 if clean else 60)]
        for i in range(rng.randint(1, 4)):
            pid = rng.randint(1, 65535)
            script.append(m.subscribe(f"storm/{i}/#", rng.randint(0, 2), pid, v5))
            script.append(m.publish(f"storm/{i}/x", b"p" * rng.randint(0, 300), 1, pid, v5=v5))
            script.append(m.unsubscribe(f"storm/{i}/#", pid, v5))
        data = b"".join(script)
        if rng.random() < 0.3:
            data = data[:rng.randint(1, len(data))]  # cut mid-packet
        try:
            with socket.create_connection(("127.0.0.1", b.port), timeout=1) as s:
                s.sendall(data)
                end = time.monotonic() + rng.uniform(0.005, 0.04)  # the two overlap often
                ended = False
                while not ended and time.monotonic() < end:
                    s.settimeout(max(0.001, end - time.monotonic()))
                    try:
                        ended = not s.recv(65536)
                    except socket.timeout:
                        break
                    except OSError:
                        ended = True
                ended_by_broker[k] += ended
                if not ended and rng.random() < 0.5:
                    s.sendall(m.DISCONNECT)
        except OSError:
            pass
        rounds[k] += 1
        time.sleep(0.01)


threads = [threading.Thread(target=storm, args=(k,), daemon=True) for k in (0, 1)]
for t in threads:
    t.start()
worst, misses, probes = 0.0, 0, 0
try:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        rt = m.round_trip(b.port, client_id=f"probe-{probes}")
        probes += 1
        if rt is None:
            misses += 1
        else:
            worst = max(worst, rt)
        time.sleep(1)
    stop.set()
    for t in threads:
        t.join(timeout=5)
    print(f"     {rounds[0] + rounds[1]} storm rounds in {seconds:.0f} s, "
          f"{sum(ended_by_broker)} ended by the broker; {probes} probes, "
          f"the slowest {worst * 1000:.0f} ms")
    check(b.proc.poll() is None, "the broker is still running")
    check(misses == 0, f"every probe got its QoS 1 round trip within 2 s ({misses} missed)")
    check(rounds[0] + rounds[1] > 20 * seconds, "the storm ran (more than 20 rounds a second)")
    check(sum(ended_by_broker) > rounds[0] / 10, "the two clients took each other over often")
finally:
    stop.set()
    status = b.stop()
text = b.log_text()
check(status == 0 and "Sanitizer" not in text,
      f"the broker stopped cleanly, no sanitizer report (status {status})")
if check.failed:
    sys.stdout.write(text[-3000:])
sys.exit(1 if check.failed else 0)
