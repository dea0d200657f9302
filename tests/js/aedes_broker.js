// SPDX-License-Identifier: MIT
// aedes, a broker written by someone else, behind a ws:// and a wss:// server, for mqtk's clients.
// Writes the two ports, one per line, to PORT_FILE once both listen on 127.0.0.1.
//   node aedes_broker.js PORT_FILE CERT KEY
'use strict';
const fs = require('fs');
const http = require('http');
const https = require('https');
const { WebSocketServer, createWebSocketStream } = require('ws');
const aedes = require('aedes')();

const [portFile, cert, key] = process.argv.slice(2);
const serve = (server) => {
  const wss = new WebSocketServer({ server, handleProtocols: (p) => (p.has('mqtt') ? 'mqtt' : false) });
  wss.on('connection', (ws) => aedes.handle(createWebSocketStream(ws)));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
};
Promise.all([
  serve(http.createServer()),
  serve(https.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) })),
]).then((ports) => {
  fs.writeFileSync(portFile + '.tmp', ports.join('\n') + '\n');
  fs.renameSync(portFile + '.tmp', portFile);
});
