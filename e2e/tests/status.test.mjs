// Keeping the visitor informed: a callback request, the owner marks it delayed in the inbox
// with a message, and the visitor who asked to be remembered sees that message on return; a
// request sent while offline and delivered later by the outbox is followed the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startStatic, shopPage, until, inboxLogin, withInbox, INBOX_TOKEN, nextTuesday10hParis, callbackFilled } from '../lib/harness.mjs';

const env = withInbox();

const TUESDAY_10H_PARIS = nextTuesday10hParis();

/** A visitor on the demo shop, Tuesday 10:00 in Paris, with the callback form filled in and
 * "remember me" ticked (harness.mjs, `callbackFilled`). */
const callbackFilledHere = (visitor, phone, name) =>
  callbackFilled(visitor, { url: env.collector.url + '/', at: TUESDAY_10H_PARIS, phone, name });

test('request a callback, the shop says it is late, the visitor sees the message', async () => {
  const visitor = await env.browser.newContext({ timezoneId: 'Europe/Paris' });
  const { p, f } = await callbackFilledHere(visitor, '06 12 34 56 78', 'Noor');
  await p.clock.setFixedTime(new Date(TUESDAY_10H_PARIS.getTime() + 20_000));
  await f.getByRole('button', { name: 'Call me back' }).click();
  await f.getByRole('heading', { name: 'Request received' }).waitFor();
  await f.getByRole('button', { name: 'Show me the status' }).click();
  await f.getByText("Received — we'll get back to you as promised.").waitFor();
  const [row] = env.collector.rows("select id from submissions where visitor_name = 'Noor'");

  // The owner, in the inbox: delayed, with a message for the visitor.
  const owner = await env.browser.newContext();
  const o = await owner.newPage();
  await inboxLogin(o, env.collector, { token: INBOX_TOKEN, name: '' });
  await o.goto(`${env.collector.url}/inbox/item/${row.id}`);
  await o.getByLabel('Status').selectOption('delayed');
  await o.getByLabel(/Message to the visitor/).fill("We're running late, we'll call you at 15:30 instead.");
  await o.getByRole('button', { name: 'Save' }).click();
  await o.waitForLoadState();
  await owner.close();

  // Back on the shop a little later: the visitor sees where their request stands.
  await p.clock.setFixedTime(new Date(TUESDAY_10H_PARIS.getTime() + 30 * 60_000));
  await p.reload();
  await p.getByRole('button', { name: 'Contact us' }).click();
  const requests = p.getByRole('region', { name: 'Your requests' });
  await requests.getByText('Running late', { exact: true }).waitFor();
  await requests.getByText("We're running late, we'll call you at 15:30 instead.").waitFor();
  await p.getByText('Welcome back, Noor!').waitFor();
  await visitor.close();
});

test('a promise that passed without a call is admitted, not repeated', async () => {
  const ctx = await env.browser.newContext({ timezoneId: 'Europe/Paris' });
  const p = await ctx.newPage();
  await p.clock.setFixedTime(TUESDAY_10H_PARIS);
  await p.goto(env.collector.url + '/');
  await p.getByRole('button', { name: 'Contact us' }).click();
  await p.getByRole('tab', { name: 'Call me back' }).click();
  const f = p.getByRole('tabpanel', { name: 'Call me back' });
  await f.getByLabel('Phone number').fill('06 11 22 33 44');
  await f.getByLabel('Your name').fill('Sam');
  await f.getByLabel(/I agree that the shop may call me/).check();
  await f.getByLabel('Remember me on this device').check();
  await p.clock.setFixedTime(new Date(TUESDAY_10H_PARIS.getTime() + 20_000));
  await f.getByRole('button', { name: 'Call me back' }).click();
  await f.getByRole('heading', { name: 'Request received' }).waitFor();
  // An hour later nobody has called (promised: within 15 minutes).
  await p.clock.setFixedTime(new Date(TUESDAY_10H_PARIS.getTime() + 60 * 60_000));
  await p.reload();
  await p.getByRole('button', { name: 'Contact us' }).click();
  await p.getByRole('region', { name: 'Your requests' })
    .getByText("We haven't managed to call you yet — we're sorry.").waitFor();
  await ctx.close();
});

test('sent while offline: once the outbox delivers it, "Your requests" shows its status', async () => {
  const visitor = await env.browser.newContext({ timezoneId: 'Europe/Paris' });
  const { p, f } = await callbackFilledHere(visitor, '06 55 44 33 22', 'Ines');
  await visitor.setOffline(true);
  await p.clock.setFixedTime(new Date(TUESDAY_10H_PARIS.getTime() + 20_000));
  await f.getByRole('button', { name: 'Call me back' }).click();
  await f.getByRole('heading', { name: 'Saved' }).waitFor();
  const stored = (key) => p.evaluate((k) => localStorage.getItem(k), key);
  const outbox = () => p.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('allo:outbox:')));
  assert.equal((await outbox()).length, 1);
  assert.equal(await stored('allo:requests'), null, 'nothing to follow before it is delivered');
  const byName = () => env.collector.rows("select id from submissions where visitor_name = 'Ines'");
  assert.equal(byName().length, 0);

  // Back online: the outbox delivers it with nobody waiting on the send.
  await visitor.setOffline(false);
  await until(() => byName().length === 1, { what: 'the queued request in SQLite' });
  await until(async () => (await outbox()).length === 0, { what: 'an empty outbox' });
  const [row] = byName();
  await until(async () => (await stored('allo:requests'))?.includes(row.id), { what: 'the request followed' });

  // The panel opened again lists it, with its status from the env.collector.
  await p.getByRole('button', { name: 'Close' }).click();
  await p.getByRole('button', { name: 'Contact us' }).click();
  const requests = p.getByRole('region', { name: 'Your requests' });
  await requests.getByText("Received — we'll get back to you as promised.").waitFor();
  assert.equal(await requests.getByRole('listitem').count(), 1);
  await visitor.close();
});

test('an endpoint that is not the collector: no token, no status offered, no errors', async () => {
  const shop = await startStatic();
  const endpoint = shop.route('/plain', (req, res) => {
    req.resume();
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  const p = await env.browser.newPage();
  const errors = [];
  p.on('pageerror', (e) => errors.push(String(e)));
  await p.goto(shop.page('/plain.html', shopPage({ loader: '/cdn/allo/allo.js', attrs: `data-endpoint="${endpoint}" data-kinds="feedback"` })));
  await p.getByRole('button', { name: 'Contact us' }).click();
  await p.getByRole('radio', { name: 'Satisfied', exact: true }).check();
  await p.getByLabel('Remember me on this device').check();
  await p.getByRole('button', { name: 'Send' }).click();
  await p.getByRole('heading', { name: 'Thank you!' }).waitFor();
  assert.equal(await p.getByRole('button', { name: 'Show me the status' }).count(), 0);
  assert.equal(await p.evaluate(() => localStorage.getItem('allo:requests')), null);
  assert.deepEqual(errors, []);
  await p.close();
  await shop.stop();
});
