// Node 20's side of `cargo xtask bench`: the same echo server as
// `xtask bench-server ours|raw`, written as a Node user writes it.
// argv: CERT_PATH KEY_PATH MODE ('tickets' | 'session-id').
'use strict';
const tls = require('tls');
const fs = require('fs');
const crypto = require('crypto');

const [certPath, keyPath, mode] = process.argv.slice(2);
const options = {
  cert: fs.readFileSync(certPath),
  key: fs.readFileSync(keyPath),
  // Ours and raw set TCP_NODELAY on accepted sockets too.
  noDelay: true,
};
if (mode === 'session-id') {
  options.secureOptions = crypto.constants.SSL_OP_NO_TICKET;
}
const server = tls.createServer(options, (socket) => {
  socket.on('error', () => {});
  socket.pipe(socket);
});
server.on('tlsClientError', () => {});
if (mode === 'session-id') {
  // Node has no internal session cache: resumption by session ID needs these.
  const sessions = new Map();
  server.on('newSession', (id, data, cb) => {
    sessions.set(id.toString('hex'), data);
    cb();
  });
  server.on('resumeSession', (id, cb) => {
    cb(null, sessions.get(id.toString('hex')) || null);
  });
}
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`PORT ${server.address().port}\n`);
});
// The bench kills us; also leave when it goes away.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
