// A fault-injecting endpoint for the delivery tests and the benchmark: a small real HTTP
// server that stands in front of a real allo-collector (it proxies POSTs to it) and can be
// switched, for all requests or request by request, to fail the way real networks and
// servers fail. It answers CORS itself (any origin, any request header, Retry-After exposed)
// so pages on another origin can use it, and logs every POST with its Idempotency-Key and
// timings so tests can check that no submission was ever in flight twice at the same time.
//
// Faults (`kind`):
//   ok      forward to the collector and return its answer
//   refuse  (steady mode only) close the listener and drop every open connection: the
//           browser gets "connection refused" until another mode is set
//   reset   destroy the connection without an answer (a refused/reset connection for one
//           request while the listener stays up)
//   500     answer 500;  503 / 429: answer with `Retry-After: <retryAfter>` when given
//   hang    never answer (the widget's own timeout has to fire); with `hangMs` the
//           connection is dropped after that long, like a server or proxy that gives up
//   form    answer 200 itself and record the body (for endpoints that are not the collector)
//   4xx     any other status, e.g. { kind: 422, message: '…' }
// With `forward: true` a fault happens after the collector has stored the submission: the
// answer is lost, which is exactly the case idempotency by id exists for.
import { createServer, request as httpRequest } from 'node:http';

/** Starts the fault server in front of `target` (the collector's base URL). */
export async function startFaultServer({ target } = {}) {
  const sockets = new Set();
  const log = [];
  const inflight = new Map();
  const peak = new Map();
  const hung = new Set();
  let steady = { kind: 'ok' };
  const queue = [];
  let chaos = null;
  let port = 0;
  let listening = false;

  const server = createServer((req, res) => handle(req, res).catch((e) => {
    console.error('fault-server:', e);
    res.destroy();
  }));
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  function cors(req, res) {
    res.setHeader('Access-Control-Allow-Origin', req.headers.origin || '*');
    res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
    res.setHeader('Vary', 'Origin');
  }

  function forward(req, body) {
    const url = new URL(req.url, target);
    return new Promise((resolve, reject) => {
      const out = httpRequest(url, {
        method: req.method,
        headers: {
          'content-type': req.headers['content-type'] || 'application/json',
          'idempotency-key': req.headers['idempotency-key'] || '',
          'content-length': Buffer.byteLength(body),
        },
      }, (r) => {
        const chunks = [];
        r.on('data', (c) => chunks.push(c));
        r.on('end', () => resolve({ status: r.statusCode, headers: r.headers, body: Buffer.concat(chunks).toString() }));
        r.on('error', reject);
      });
      out.on('error', reject);
      out.end(body);
    });
  }

  function pick() {
    if (queue.length) return queue.shift();
    if (chaos && chaos.random() < chaos.rate) {
      return chaos.kinds[Math.floor(chaos.random() * chaos.kinds.length)];
    }
    return steady;
  }

  async function handle(req, res) {
    cors(req, res);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'POST',
        'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] || '',
        'Access-Control-Max-Age': '600',
      });
      return res.end();
    }
    if (req.method !== 'POST') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return res.end('not found');
    }
    const id = req.headers['idempotency-key'] || '';
    const entry = { id, start: Date.now(), end: null, fault: null, status: null,
      contentType: req.headers['content-type'], headers: req.headers, body: null };
    log.push(entry);
    inflight.set(id, (inflight.get(id) || 0) + 1);
    peak.set(id, Math.max(peak.get(id) || 0, inflight.get(id)));
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      entry.end = Date.now();
      inflight.set(id, inflight.get(id) - 1);
    };
    res.on('finish', finish);
    res.on('close', finish);

    const chunks = [];
    for await (const c of req) chunks.push(c);
    entry.body = Buffer.concat(chunks).toString();

    let fault = pick();
    if (typeof fault !== 'object') fault = { kind: fault };
    entry.fault = String(fault.kind) + (fault.forward ? '+forward' : '');
    const kind = String(fault.kind);

    if (kind === 'form') {
      entry.status = 200;
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ id, reference: 'FORM' }));
    }
    if (kind === 'ok' || fault.forward) {
      let answer;
      try {
        answer = await forward(req, entry.body);
      } catch (e) {
        entry.status = 'upstream-error';
        return res.destroy();
      }
      if (kind === 'ok') {
        entry.status = answer.status;
        const headers = { 'content-type': answer.headers['content-type'] || 'application/json' };
        if (answer.headers['retry-after']) headers['retry-after'] = answer.headers['retry-after'];
        res.writeHead(answer.status, headers);
        return res.end(answer.body);
      }
    }
    if (kind === 'hang') {
      entry.status = 'hang';
      hung.add(res);
      const timer = fault.hangMs ? setTimeout(() => res.destroy(), fault.hangMs) : null;
      res.on('close', () => { hung.delete(res); if (timer) clearTimeout(timer); });
      return;
    }
    if (kind === 'reset' || kind === 'refuse') {
      entry.status = 'reset';
      return req.socket.destroy();
    }
    const status = Number(kind);
    entry.status = status;
    const headers = { 'content-type': 'application/json' };
    if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
    res.writeHead(status, headers);
    res.end(JSON.stringify({ error: 'injected', message: fault.message || `injected ${status}` }));
  }

  function listen() {
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        port = server.address().port;
        listening = true;
        resolve();
      });
    });
  }

  async function close() {
    if (!listening) return;
    listening = false;
    const closed = new Promise((r) => server.close(r));
    for (const s of sockets) s.destroy();
    await closed;
  }

  await listen();
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    endpoint: `${url}/v1/submissions`,
    log,
    /** Sets the fault for every request from now on (`refuse` closes the listener). */
    async set(kind, opts = {}) {
      steady = { kind, ...opts };
      if (kind === 'refuse') await close();
      else if (!listening) await listen();
    },
    /** Faults for the next requests, one each, before the steady mode applies again. */
    next(...faults) { queue.push(...faults); },
    /** A share `rate` of requests fails with a fault drawn from `kinds` (seeded). */
    chaos(rate, kinds, seed = 1) {
      let s = seed >>> 0;
      const random = () => {
        // mulberry32: small, seedable, good enough to pick faults.
        s = (s + 0x6d2b79f5) >>> 0;
        let t = s;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
      chaos = rate > 0 ? { rate, kinds, random } : null;
    },
    /** Requests that carried `id`. */
    requests(id) { return log.filter((e) => e.id === id); },
    /** The most requests for `id` that were in flight at the same time (0 if none came). */
    peak(id) { return peak.get(id) || 0; },
    /** The highest per-id concurrency over all ids. */
    maxPeak() { return Math.max(0, ...peak.values()); },
    /** Answers every hanging request with a reset (so the test can end cleanly). */
    releaseHung() { for (const r of hung) r.destroy(); hung.clear(); },
    async stop() {
      chaos = null;
      for (const r of hung) r.destroy();
      await close();
    },
  };
}
