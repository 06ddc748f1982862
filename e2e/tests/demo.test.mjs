// The README's first command: scripts/demo.sh shows both sides of Allo. The script is run as
// a newcomer runs it (minus set-up and build, which the test command has just done), its
// printed URLs, owner login and token are the only thing the test knows, and a feedback sent on the demo
// shop is then opened in the inbox.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, launch, watch, until } from '../lib/harness.mjs';

let browser, demo;

/** A port nothing listens on right now. */
const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

before(async () => {
  browser = await launch();
  const dir = mkdtempSync(path.join(tmpdir(), 'allo-demo-'));
  const listen = `127.0.0.1:${await freePort()}`;
  const child = spawn('bash', [path.join(ROOT, 'scripts/demo.sh'), '--listen', listen, '--db', path.join(dir, 'demo.sqlite')],
    { cwd: ROOT, env: { ...process.env, ALLO_DEMO_NO_BUILD: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const printed = await until(() => out.match(/Demo shop:\s+(\S+)[\s\S]*Inbox:\s+(\S+)\s+\(email: (\S+), password: (\S+)\)\s+API token:\s+(\S+)/), { what: 'the demo\'s URLs', timeout: 20000 });
  demo = { child, shop: printed[1], inbox: printed[2], email: printed[3], password: printed[4], token: printed[5], out: () => out };
  await until(async () => (await fetch(new URL('/healthz', demo.shop)).catch(() => null))?.ok, { what: 'the demo collector' });
});

after(async () => {
  await browser?.close();
  if (demo && demo.child.exitCode === null) {
    const gone = new Promise((r) => demo.child.once('exit', r));
    demo.child.kill('SIGTERM');
    await gone;
  }
});

test('the demo prints the shop and the inbox; a feedback sent on the shop is in the inbox', async () => {
  assert.match(demo.token, /^[0-9a-f]{32}$/, 'a token made for the demo');
  assert.match(demo.password, /^[0-9a-f]{24}$/, 'a password made for the demo');
  // The token is the API's credential.
  const api = await fetch(demo.inbox, { headers: { authorization: `Bearer ${demo.token}` } });
  assert.equal(api.status, 200);
  const context = await browser.newContext();
  const page = await context.newPage();
  const log = watch(page);
  await page.goto(demo.shop);
  await page.getByRole('button', { name: 'Contact us' }).click();
  await page.getByRole('dialog').waitFor();
  const message = `Lovely beans, sent at ${Date.now()}`;
  await page.getByRole('radio').nth(4).check();
  await page.locator('allo-widget textarea').first().fill(message);
  await page.getByRole('button', { name: 'Send' }).click();
  await page.locator('allo-widget .allo-thanks__title').getByText('Thank you!').waitFor();
  assert.deepEqual([log.errors, log.pageErrors], [[], []]);

  // The owner's side: nothing pre-filled, the inbox asks for the printed email and password.
  const owner = await context.newPage();
  await owner.goto(demo.inbox);
  await owner.getByLabel('Email').fill(demo.email);
  await owner.getByLabel('Password').fill(demo.password);
  await owner.getByRole('button', { name: 'Log in' }).click();
  await owner.getByText(message).first().waitFor();
  assert.equal(await owner.locator('body').getByText('disabled').count(), 0);
  await context.close();
});
