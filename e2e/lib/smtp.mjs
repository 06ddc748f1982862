// The real SMTP test server of the collector's own suite (collector/tests/smtp_server.py, on
// aiosmtpd) for the end-to-end tests: the messages a collector sends, read back as Python's
// email parser decoded them. aiosmtpd is found where the collector's tests installed it
// (target/tmp/allo-aiosmtpd), or installed there once with `pip install --target`.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './harness.mjs';

const SCRIPT = path.join(ROOT, 'collector/tests/smtp_server.py');
const TARGET = path.join(ROOT, 'target/tmp/allo-aiosmtpd');

function importable(pythonpath) {
  try {
    execFileSync('python3', ['-c', 'import aiosmtpd'], { stdio: 'ignore', env: { ...process.env, ...(pythonpath ? { PYTHONPATH: pythonpath } : {}) } });
    return true;
  } catch { return false; }
}

/** Where aiosmtpd is: `null` when python3 has it already. */
function pythonPath() {
  if (importable(null)) return null;
  if (importable(TARGET)) return TARGET;
  const partial = `${TARGET}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  execFileSync('python3', ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--target', partial, 'aiosmtpd'], { stdio: 'inherit' });
  rmSync(TARGET, { recursive: true, force: true });
  renameSync(partial, TARGET);
  return TARGET;
}

async function freePort() {
  const server = createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

/** Starts the server; `messages()` lists what it accepted, in arrival order. */
export async function startSmtp() {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'allo-e2e-smtp-'));
  const pp = pythonPath();
  const child = spawn('python3', [SCRIPT, '--port', String(port), '--dir', dir], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, ...(pp ? { PYTHONPATH: pp } : {}) },
  });
  await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => { out += d; if (out.includes('ready')) resolve(); });
    child.on('exit', (code) => reject(new Error(`smtp_server.py exited ${code}: ${out}`)));
  });
  return {
    port,
    messages() {
      if (!existsSync(dir)) return [];
      return readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
        .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')));
    },
    async stop() {
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
