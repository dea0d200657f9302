// SPDX-License-Identifier: MIT
// MQTT.js as a test peer. Prints each received payload on a line; exits 0 when done, 1 on error.
//   node mqttjs_client.js sub URL TOPIC COUNT [CAFILE] [V]   (prints "subscribed" on stderr first)
//   node mqttjs_client.js pub URL TOPIC PAYLOAD [CAFILE] [V] (QoS 1, waits for PUBACK)
//   node mqttjs_client.js aliases URL TOPIC COUNT  (MQTT 5, allows 4 Topic Aliases; prints
//                                                   "TOPIC PAYLOAD" lines, topics as resolved)
'use strict';
const fs = require('fs');
const mqtt = require('mqtt');

const [mode, url, topic, arg, cafile, version] = process.argv.slice(2);
const options = { protocolVersion: Number(version || 5), connectTimeout: 5000, reconnectPeriod: 0 };
if (cafile) options.ca = fs.readFileSync(cafile);
if (mode === 'aliases') options.properties = { topicAliasMaximum: 4 };
const client = mqtt.connect(url, options);
const fail = (e) => { console.error(`MQTT.js: ${e.message || e}`); process.exit(1); };
client.on('error', fail);
setTimeout(() => fail('timed out'), 20000).unref();

client.on('connect', () => {
  if (mode === 'pub') {
    client.publish(topic, arg, { qos: 1 }, (e) => (e ? fail(e) : client.end(false, () => process.exit(0))));
    return;
  }
  let left = Number(arg);
  client.on('message', (t, payload) => {
    console.log(mode === 'aliases' ? `${t} ${payload}` : payload.toString());
    if (--left === 0) client.end(false, () => process.exit(0));
  });
  client.subscribe(topic, { qos: 1 }, (e) => (e ? fail(e) : console.error('subscribed')));
});
