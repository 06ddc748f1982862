// Callback requests on the demo shop page (Lyon, Mo-Fr 09:00-18:00, Sa 10:00-13:00), with the
// visitor's clock pinned so "open now" and "closed" are tested at known instants.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCollector, launch } from '../lib/harness.mjs';

let browser, collector;
before(async () => {
  browser = await launch();
  collector = await startCollector();
});
after(async () => {
  await browser?.close();
  await collector?.stop();
});

const TUESDAY_10H_PARIS = new Date('2026-11-24T09:00:00Z');
const SATURDAY_15H_PARIS = new Date('2026-11-28T14:00:00Z');
const TUESDAY_17H50_PARIS = new Date('2026-11-24T16:50:00Z');

async function callbackForm(at) {
  const ctx = await browser.newContext({ timezoneId: 'Europe/Paris' });
  const p = await ctx.newPage();
  await p.clock.setFixedTime(at);
  await p.goto(collector.url + '/');
  await p.getByRole('button', { name: 'Contact us' }).click();
  await p.getByRole('tab', { name: 'Call me back' }).click();
  // Both forms stay mounted (the hidden one keeps its text): address the callback one.
  const f = p.getByRole('tabpanel', { name: 'Call me back' });
  await f.getByLabel('Phone number').waitFor();
  return { ctx, p, f };
}

async function fill(f, { phone = '06 12 34 56 78', name = 'Léa Dubois' } = {}) {
  await f.getByLabel('Phone number').fill(phone);
  await f.getByLabel('Your name').fill(name);
  await f.getByLabel(/I agree that the shop may call me/).check();
}

const byPhone = (raw) => collector.rows(`select * from submissions where visitor_phone = '${raw}'`);

test('open now: an ASAP request promises a call within 15 minutes and lands in E.164 with consent', async () => {
  const { ctx, p, f } = await callbackForm(TUESDAY_10H_PARIS);
  assert.equal(await f.getByLabel('Country').inputValue(), 'FR');
  await p.getByText("We'll call you within 15 minutes.").waitFor();
  await fill(f, { phone: '06 12 34 56 78' });
  await f.getByLabel('What is it about?').fill('Order 1042 is late');
  await f.getByLabel("It's urgent").check();
  // A person takes a few seconds: move the clock on before sending.
  await p.clock.setFixedTime(new Date(TUESDAY_10H_PARIS.getTime() + 20_000));
  await f.getByRole('button', { name: 'Call me back' }).click();
  await p.getByRole('heading', { name: 'Request received' }).waitFor();
  await p.getByText("We'll call you within 15 minutes.").waitFor();
  const [row] = byPhone('06 12 34 56 78');
  assert.equal(row.kind, 'callback');
  assert.equal(row.callback_phone_e164, '+33612345678');
  assert.equal(row.callback_country, 'FR');
  assert.equal(row.callback_when_mode, 'asap');
  assert.equal(row.callback_timezone, 'Europe/Paris');
  assert.equal(row.callback_urgent, 1);
  assert.equal(row.callback_reason, 'Order 1042 is late');
  assert.equal(row.visitor_name, 'Léa Dubois');
  assert.equal(row.callback_promise_text, "We'll call you within 15 minutes.");
  assert.equal(row.callback_due_by, '2026-11-24T09:15:20.000Z');
  assert.match(row.consent_text, /^I agree that the shop may call me/);
  assert.equal(row.consent_version, '2026-11');
  assert.match(row.consent_given_at, /^2026-11-24T09:00:00/);
  await ctx.close();
});

test('a chosen slot: offered inside opening hours, promised and stored as a slot', async () => {
  const { ctx, p, f } = await callbackForm(TUESDAY_10H_PARIS);
  await fill(f, { phone: '+32 470 12 34 56' });
  await f.getByLabel('At a time that suits me').check();
  const slot = f.getByLabel('Choose a time');
  const options = await slot.locator('option').allTextContents();
  // Never in the past (10:00 now, 15 min notice): the first slot starts at 10:30.
  assert.match(options[1], /^10:30/);
  await slot.selectOption({ index: 1 });
  await p.getByText("We'll call you on Tuesday, November 24 between 10:30 AM and 11:00 AM.").waitFor();
  await p.clock.setFixedTime(new Date(TUESDAY_10H_PARIS.getTime() + 20_000));
  await f.getByRole('button', { name: 'Call me back' }).click();
  await p.getByRole('heading', { name: 'Request received' }).waitFor();
  const [row] = byPhone('+32 470 12 34 56');
  assert.equal(row.callback_phone_e164, '+32470123456');
  assert.equal(row.callback_when_mode, 'slot');
  assert.equal(row.callback_slot_from, '2026-11-24T09:30:00.000Z');
  assert.equal(row.callback_slot_to, '2026-11-24T10:00:00.000Z');
  assert.equal(row.callback_due_by, '2026-11-24T10:00:00.000Z');
  await ctx.close();
});

test('closed on Saturday afternoon: the promise says so and names Monday 9:00', async () => {
  const { ctx, p, f } = await callbackForm(SATURDAY_15H_PARIS);
  // The page says lang="en", so Intl formats the way en-US readers expect.
  const promise = "We're closed right now. We'll call you on Monday from 9:00 AM.";
  await p.getByText(promise).waitFor();
  // 07 3x: a range in use (the collector checks numbers against the numbering plan).
  await fill(f, { phone: '07 30 00 00 01' });
  await p.clock.setFixedTime(new Date(SATURDAY_15H_PARIS.getTime() + 20_000));
  await f.getByRole('button', { name: 'Call me back' }).click();
  await p.getByRole('heading', { name: 'Request received' }).waitFor();
  const [row] = byPhone('07 30 00 00 01');
  assert.equal(row.callback_promise_text, promise);
  assert.equal(row.callback_due_by, '2026-11-30T08:15:00.000Z');
  await ctx.close();
});

test('closing soon: still open, so the promise does not say closed, and names tomorrow 9:00', async () => {
  // Ten minutes before 18:00: too late for "within 15 minutes", yet the shop is open.
  const { ctx, p, f } = await callbackForm(TUESDAY_17H50_PARIS);
  const promise = "We're closing soon, so we'll call you tomorrow from 9:00 AM.";
  await p.getByText(promise).waitFor();
  assert.equal(await p.getByText(/closed right now/).count(), 0);
  await fill(f, { phone: '07 30 00 00 02' });
  await p.clock.setFixedTime(new Date(TUESDAY_17H50_PARIS.getTime() + 20_000));
  await f.getByRole('button', { name: 'Call me back' }).click();
  await p.getByRole('heading', { name: 'Request received' }).waitFor();
  await p.getByText(promise).waitFor();
  const [row] = byPhone('07 30 00 00 02');
  assert.equal(row.callback_promise_text, promise);
  assert.equal(row.callback_due_by, '2026-11-25T08:15:00.000Z');
  await ctx.close();
});

test('validation: every problem at once, next to its field, in the visitor language', async () => {
  const { ctx, p, f } = await callbackForm(TUESDAY_10H_PARIS);
  await f.getByLabel('Phone number').fill('12ab');
  await f.getByRole('button', { name: 'Call me back' }).click();
  await p.getByText("This doesn't look like a phone number. Check the digits and the country.", { exact: true }).waitFor();
  await p.getByText('Please enter your name.', { exact: true }).waitFor();
  await p.getByText('Please tick the box so that we may call you.', { exact: true }).waitFor();
  assert.equal(await f.getByLabel('Phone number').getAttribute('aria-invalid'), 'true');
  assert.equal(collector.rows("select count(*) n from submissions where visitor_phone = '12ab'")[0].n, 0);
  await ctx.close();
});

test('abuse controls: too fast, the honeypot, and one request per five minutes', async () => {
  const { ctx, p, f } = await callbackForm(TUESDAY_10H_PARIS);
  await fill(f, { phone: '06 99 99 99 01' });
  await f.getByRole('button', { name: 'Call me back' }).click();
  await p.getByText('That was very fast. Please check your details and send again.').waitFor();
  assert.equal(byPhone('06 99 99 99 01').length, 0);
  // A second press is a person who checked: it goes through.
  await p.clock.setFixedTime(new Date(TUESDAY_10H_PARIS.getTime() + 2_000));
  await f.getByRole('button', { name: 'Call me back' }).click();
  await p.getByRole('heading', { name: 'Request received' }).waitFor();
  assert.equal(byPhone('06 99 99 99 01').length, 1);
  // Right away, another request from the same browser is held back with a clear message.
  await p.getByRole('button', { name: 'Send another message' }).click();
  await fill(f, { phone: '06 99 99 99 02' });
  await p.clock.setFixedTime(new Date(TUESDAY_10H_PARIS.getTime() + 62_000));
  await f.getByRole('button', { name: 'Call me back' }).click();
  await p.getByText('You\'ve just sent a request. You can send another in 4 min.').waitFor();
  assert.equal(byPhone('06 99 99 99 02').length, 0);
  await ctx.close();

  // A bot filling the hidden field sees a success and sends nothing.
  const bot = await callbackForm(TUESDAY_10H_PARIS);
  await fill(bot.f, { phone: '06 99 99 99 03' });
  await bot.p.locator('#allo-website').fill('http://spam.example');
  await bot.p.clock.setFixedTime(new Date(TUESDAY_10H_PARIS.getTime() + 20_000));
  await bot.f.getByRole('button', { name: 'Call me back' }).click();
  await bot.p.getByRole('heading', { name: 'Request received' }).waitFor();
  assert.equal(byPhone('06 99 99 99 03').length, 0);
  await bot.ctx.close();
});
