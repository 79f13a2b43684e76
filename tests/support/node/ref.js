// Reference implementation of shared/spec/cli.md's `serve` and `connect` in Node 20,
// used by the interop tests: the same scenario runs against this and against
// `nodetls`, and the JSON lines are compared. Only the flags the tests use.
'use strict';
const tls = require('tls');
const fs = require('fs');

function parse(argv) {
  const o = { _: [], key: [], cert: [], ca: [], crl: [], sni: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) { o._.push(a); continue; }
    const name = a.slice(2);
    const bool = ['request-cert', 'no-reject-unauthorized', 'request-ocsp', 'once', 'honor-cipher-order'];
    if (bool.includes(name)) { o[name] = true; continue; }
    const v = argv[++i];
    if (Array.isArray(o[name])) o[name].push(v); else o[name] = v;
  }
  return o;
}

function b64(buf) { return Buffer.isBuffer(buf) ? buf.toString('base64') : buf; }

function legacy(cert) {
  const out = {};
  for (const [k, v] of Object.entries(cert)) {
    if (k === 'issuerCertificate') continue;
    out[k] = Buffer.isBuffer(v) ? v.toString('base64') : v;
  }
  return out;
}

function summary(sock, isServer) {
  const cert = sock.getPeerCertificate(true);
  const chain = [];
  const seen = new Set();
  for (let c = cert; c && c.fingerprint256 && !seen.has(c.fingerprint256); c = c.issuerCertificate) {
    chain.push(c.fingerprint256);
    seen.add(c.fingerprint256);
  }
  let authErr = sock.authorizationError;
  if (authErr && typeof authErr !== 'string') authErr = authErr.code || String(authErr);
  return {
    authorized: sock.authorized,
    authorizationError: authErr || null,
    protocol: sock.getProtocol(),
    cipher: sock.getCipher(),
    alpnProtocol: sock.alpnProtocol,
    servername: sock.servername,
    sessionReused: sock.isSessionReused(),
    ephemeralKeyInfo: isServer ? null : sock.getEphemeralKeyInfo(),
    peerCertificate: cert && Object.keys(cert).length ? legacy(cert) : {},
    peerChain: chain,
  };
}

function emit(o) { process.stdout.write(JSON.stringify(o) + '\n'); }

function tlsOptions(o) {
  const t = {};
  if (o.key.length) t.key = o.key.map((f) => fs.readFileSync(f));
  if (o.cert.length) t.cert = o.cert.map((f) => fs.readFileSync(f));
  if (o.ca.length) t.ca = o.ca.map((f) => fs.readFileSync(f));
  if (o.crl.length) t.crl = o.crl.map((f) => fs.readFileSync(f));
  if (o.pfx) t.pfx = fs.readFileSync(o.pfx);
  if (o.passphrase !== undefined) t.passphrase = o.passphrase;
  if (o.ciphers !== undefined) t.ciphers = o.ciphers;
  if (o['ecdh-curve'] !== undefined) t.ecdhCurve = o['ecdh-curve'];
  if (o['min-version']) t.minVersion = o['min-version'];
  if (o['max-version']) t.maxVersion = o['max-version'];
  if (o['secure-protocol']) t.secureProtocol = o['secure-protocol'];
  if (o.alpn) t.ALPNProtocols = o.alpn.split(',');
  if (o.dhparam) t.dhparam = fs.readFileSync(o.dhparam);
  if (o['session-timeout']) t.sessionTimeout = Number(o['session-timeout']);
  if (o['honor-cipher-order']) t.honorCipherOrder = true;
  return t;
}

function fail(e) {
  emit({ event: 'error', code: e.code || 'ERR_UNKNOWN', message: e.message });
  process.exit(1);
}

function serve(o) {
  let opts;
  try { opts = tlsOptions(o); } catch (e) { fail(e); }
  if (o['request-cert']) opts.requestCert = true;
  if (o['no-reject-unauthorized']) opts.rejectUnauthorized = false;
  if (o['ticket-keys']) opts.ticketKeys = Buffer.from(o['ticket-keys'], 'hex');
  if (o['handshake-timeout']) opts.handshakeTimeout = Number(o['handshake-timeout']);
  let server;
  try {
    server = tls.createServer(opts, (sock) => {
      emit({ event: 'secureConnection', ...summary(sock, true) });
      sock.pipe(sock);
      sock.on('error', () => {});
    });
    for (const s of o.sni) {
      const [host, files] = s.split('=');
      const [k, c] = files.split(',');
      server.addContext(host, { key: fs.readFileSync(k), cert: fs.readFileSync(c) });
    }
  } catch (e) { fail(e); }
  if (o['max-connections']) server.maxConnections = Number(o['max-connections']);
  if (o['ocsp-response']) {
    const resp = fs.readFileSync(o['ocsp-response']);
    server.on('OCSPRequest', (cert, issuer, cb) => cb(null, resp));
  }
  server.on('tlsClientError', (e) => emit({ event: 'tlsClientError', code: e.code, message: e.message }));
  server.on('error', fail);
  server.listen(Number(o.port || 8000), o.host || '127.0.0.1', () => {
    const a = server.address();
    emit({ event: 'listening', address: a.address, family: a.family, port: a.port });
  });
  const stop = () => { server.close(); setTimeout(() => process.exit(0), 2000).unref(); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

async function connect(o) {
  let base;
  try { base = tlsOptions(o); } catch (e) { fail(e); }
  let session;
  const targets = o._;
  for (const t of targets) {
    const m = /^\[(.*)\]:(\d+)$/.exec(t) || /^([^:]+):(\d+)$/.exec(t);
    const host = m[1];
    const port = Number(m[2]);
    const isIp = require('net').isIP(host) !== 0;
    const opts = { ...base, host, port };
    const sn = o.servername !== undefined ? o.servername : (isIp ? undefined : host);
    if (sn !== undefined) opts.servername = sn;
    if (o['no-reject-unauthorized']) opts.rejectUnauthorized = false;
    if (o['request-ocsp']) opts.requestOCSP = true;
    if (session) opts.session = session;
    await new Promise((resolve) => {
      let ocsp = null;
      let sawSession = false;
      const sock = tls.connect(opts);
      sock.on('OCSPResponse', (r) => { ocsp = r; });
      sock.on('session', (s) => { session = s; sawSession = true; });
      sock.on('error', fail);
      sock.on('secureConnect', () => {
        if (o['request-ocsp']) emit({ event: 'OCSPResponse', response: ocsp ? ocsp.toString('base64') : null });
        emit({ event: 'secureConnect', ...summary(sock, false) });
        if (targets.length === 1) {
          process.stdin.pipe(sock);
          sock.pipe(process.stdout);
          sock.on('close', () => process.exit(0));
          return;
        }
        const finish = () => { if (!session) session = sock.getSession(); sock.end(); };
        if (sawSession) finish();
        else {
          const timer = setTimeout(finish, 1000);
          sock.once('session', () => { clearTimeout(timer); setImmediate(finish); });
        }
        sock.resume();
        sock.on('close', resolve);
      });
    });
  }
  process.exit(0);
}

const [cmd, ...rest] = process.argv.slice(2);
const o = parse(rest);
if (cmd === 'serve') serve(o);
else if (cmd === 'connect') connect(o).catch(fail);
else { console.error('usage: ref.js serve|connect ...'); process.exit(2); }
