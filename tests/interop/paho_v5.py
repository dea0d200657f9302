#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Eclipse paho-mqtt (Debian's python3-paho-mqtt) against mqtk-broker: QoS 0/1/2 in both
# versions and the v5 features mosquitto_pub/sub cannot drive: topic aliases, message expiry,
# forwarded properties, subscription identifiers, No Local, takeover reason, will delay.
# usage: /usr/bin/python3 paho_v5.py PATH/TO/mqtk-broker
import os, queue, signal, subprocess, sys, tempfile, time
import paho.mqtt.client as mqtt
from paho.mqtt.properties import Properties
from paho.mqtt.packettypes import PacketTypes

work = tempfile.mkdtemp()
broker = subprocess.Popen([sys.argv[1], "-p", "0", "--port-file", work + "/port", "--sys-interval", "0"],
                          stderr=subprocess.DEVNULL)
for _ in range(200):
    if os.path.exists(work + "/port") and open(work + "/port").read().strip():
        break
    time.sleep(0.025)
PORT = int(open(work + "/port").read())
results = []


class Client:
    def __init__(self, cid, v5=True, clean=True, expiry=None, will=None):
        self.c = mqtt.Client(client_id=cid, protocol=mqtt.MQTTv5 if v5 else mqtt.MQTTv311,
                             **({} if v5 else {"clean_session": clean}))
        self.msgs, self.disconnects = queue.Queue(), queue.Queue()
        self.c.on_message = lambda c, u, m: self.msgs.put(m)
        self.c.on_disconnect = lambda c, u, rc, *p: self.disconnects.put(rc)
        if will:
            self.c.will_set(*will[:2], qos=0, properties=will[2] if len(will) > 2 else None)
        props = None
        if v5 and expiry is not None:
            props = Properties(PacketTypes.CONNECT)
            props.SessionExpiryInterval = expiry
        kw = {"clean_start": clean, "properties": props} if v5 else {}
        self.c.connect("127.0.0.1", PORT, 30, **kw)
        self.c.loop_start()
        time.sleep(0.15)

    def sub(self, topic, qos=0, props=None, **opts):
        if opts:
            o = mqtt.SubscribeOptions(qos=qos, **opts)
            self.c.subscribe(topic, options=o, properties=props)
        else:
            self.c.subscribe(topic, qos, properties=props)
        time.sleep(0.15)

    def get(self, timeout=5):
        return self.msgs.get(timeout=timeout)

    def none(self, wait=0.4):
        try:
            self.msgs.get(timeout=wait)
            return False
        except queue.Empty:
            return True

    def close(self):
        self.c.disconnect()
        self.c.loop_stop()


def check(name, fn):
    try:
        ok = fn()
    except Exception as e:  # a failure to receive is a failed check, not a crash
        print(f"  ({type(e).__name__}: {e})")
        ok = False
    results.append(ok)
    print(("ok - " if ok else "not ok - ") + name)


def round_trip(v5, qos):
    s, p = Client(f"s{v5}{qos}", v5), Client(f"p{v5}{qos}", v5)
    s.sub("paho/rt", qos)
    p.c.publish("paho/rt", b"\x00\xffbin", qos).wait_for_publish()
    m = s.get()
    s.close(), p.close()
    return m.payload == b"\x00\xffbin" and m.qos == qos


for v5 in (False, True):
    for q in (0, 1, 2):
        check(f"paho QoS {q} round trip, {'5.0' if v5 else '3.1.1'}", lambda: round_trip(v5, q))


def aliases():
    s, p = Client("as"), Client("ap")
    s.sub("alias/t")
    props = Properties(PacketTypes.PUBLISH)
    props.TopicAlias = 1
    p.c.publish("alias/t", b"one", properties=props)
    p.c.publish("", b"two", properties=props)
    a, b = s.get(), s.get()
    s.close(), p.close()
    return (a.topic, a.payload, b.topic, b.payload) == ("alias/t", b"one", "alias/t", b"two")


check("inbound topic alias maps and resolves [MQTT-3.3.2-12]", aliases)


def expiry():
    s = Client("exp", clean=True, expiry=60)
    s.sub("exp/t", 1)
    s.close()
    p = Client("expp")
    short, long_ = Properties(PacketTypes.PUBLISH), Properties(PacketTypes.PUBLISH)
    short.MessageExpiryInterval, long_.MessageExpiryInterval = 1, 60
    p.c.publish("exp/t", b"short", 1, properties=short).wait_for_publish()
    p.c.publish("exp/t", b"long", 1, properties=long_).wait_for_publish()
    p.close()
    time.sleep(2.2)
    s2 = Client("exp", clean=False, expiry=60)
    m = s2.get()
    fine = m.payload == b"long" and m.properties.MessageExpiryInterval <= 58 and s2.none()
    s2.close()
    return fine


check("expired queued messages are dropped, the rest carry the remaining interval [MQTT-3.3.2-5] [MQTT-3.3.2-6]", expiry)


def forwarded_properties():
    s, p = Client("fs"), Client("fp")
    sp = Properties(PacketTypes.SUBSCRIBE)
    sp.SubscriptionIdentifier = 42
    s.sub("fw/t", 1, sp)
    props = Properties(PacketTypes.PUBLISH)
    props.UserProperty = [("k", "v"), ("k", "w")]
    props.ContentType = "application/json"
    props.ResponseTopic = "fw/reply"
    props.CorrelationData = b"\x01\x02"
    props.PayloadFormatIndicator = 1
    p.c.publish("fw/t", b"{}", 1, properties=props).wait_for_publish()
    m = s.get()
    s.close(), p.close()
    r = m.properties
    return (r.UserProperty == [("k", "v"), ("k", "w")] and r.ContentType == "application/json"
            and r.ResponseTopic == "fw/reply" and r.CorrelationData == b"\x01\x02"
            and r.PayloadFormatIndicator == 1 and r.SubscriptionIdentifier == [42])


check("v5 properties are forwarded, subscription identifier added [MQTT-3.3.2-17] [MQTT-3.3.4-3]", forwarded_properties)


def no_local():
    c = Client("nl")
    c.sub("nl/t", 0, noLocal=True)
    c.c.publish("nl/t", b"x")
    fine = c.none()
    c.close()
    return fine


check("No Local keeps a client's own messages from it [MQTT-3.8.3-3]", no_local)


def takeover():
    # paho 1.6.1 reads a DISCONNECT's reason code only when properties follow it; mqtk-broker
    # sends a Reason String with it, so paho sees 0x8E.
    a = Client("same")
    a.c.reconnect_delay_set(30, 30)  # keep it from taking the session back
    b = Client("same")
    rc = a.disconnects.get(timeout=5)
    fine = getattr(rc, "value", rc) == 142 and b.c.is_connected()
    a.close(), b.close()
    return fine


check("takeover: the old client gets DISCONNECT 0x8E, the new one keeps the session [MQTT-3.1.4-3]", takeover)


def will_delay():
    s = Client("wd-s")
    s.sub("wd/t")
    wp = Properties(PacketTypes.WILLMESSAGE)
    wp.WillDelayInterval = 1
    w = Client("wd-victim", expiry=10, will=("wd/t", b"late", wp))
    w.c.loop_stop()  # no reconnect: coming back would cancel the delayed will
    w.c.socket().shutdown(2)  # the connection dies without DISCONNECT
    early = s.none(0.5)
    m = s.get(timeout=3)
    s.close()
    return early and m.payload == b"late"


check("a will with Will Delay Interval is published after the delay (section 3.1.3.2.2)", will_delay)

broker.send_signal(signal.SIGTERM)
broker.wait(timeout=10)
print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
sys.exit(0 if all(results) else 1)
