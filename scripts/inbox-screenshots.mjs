// Screenshots of the owner's inbox for docs/inbox.md, from a real run, so they stay true:
// a fresh allo-collector (target/debug, or ALLO_COLLECTOR_BIN) with the shop's hours and zone,
// a morning's callbacks sent through the public API as the widget sends them, calls recorded
// through the inbox's own forms, then Debian's Chromium at 1280 and 390 px wide: Ada (an
// agent) takes a request from the queue, and the owner's accounts page is shown too.
//
//   cargo build -p allo-collector && node scripts/inbox-screenshots.mjs [OUT_DIR]
//
// OUT_DIR defaults to docs/img. Names, numbers and reasons are made up; times are relative
// to now, so the queue always reads "due in …", "… late" as it would on the day.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT, startCollector, launch, inboxLogin } from '../e2e/lib/harness.mjs';

const OUT = path.resolve(process.argv[2] || path.join(ROOT, 'docs/img'));
const TOKEN = 'screenshots-token-0123456789';
const MIN = 60_000;

const collector = await startCollector({
  site: null,
  args: ['--inbox-token', TOKEN, '--timezone', 'Europe/Paris', '--phone-limit', '0'],
});
const ADA = { email: 'ada@shop.example', password: 'ada screenshots password', role: 'agent', name: 'Ada' };
collector.addAccount(ADA);
const now = Date.now();
const iso = (ms) => new Date(ms).toISOString();

/** A callback as the widget sends it; `due` and the slot are minutes from now. */
function callback(n, { name, phone, raw, reason, urgent = false, due, slot, email, locale = 'fr-FR' }) {
  // A different start each: the reference shown is made from the id's first digits.
  const id = `${n}c9e6679-7425-40de-944b-e07fc1f90a${String(n).padStart(2, '0')}`;
  const when = slot ? { mode: 'slot', from: iso(now + slot[0] * MIN), to: iso(now + slot[1] * MIN) } : { mode: 'asap' };
  return {
    schema: 'allo.submission/1', id, kind: 'callback', created_at: iso(now - 60 * MIN), locale,
    page: { url: 'https://shop.example/commande', title: 'Ma commande', referrer: '' },
    visitor: { name, email, phone: raw },
    callback: {
      phone_e164: phone, phone_raw: raw, country: 'FR', when, timezone: 'Europe/Paris', reason, urgent,
      promise: { text: slot ? 'Nous vous appellerons dans le créneau choisi.' : 'Nous vous rappelons dans les 15 minutes.', due_by: iso(now + (slot ? slot[1] : due) * MIN) },
    },
    consent: { given_at: iso(now - 60 * MIN), text: "J'accepte d'être rappelé(e).", version: '2026-11' },
  };
}

const requests = [
  callback(1, { name: 'Camille Martin', phone: '+33612345678', raw: '06 12 34 56 78', reason: 'Colis non reçu, commande 4417', due: -12, email: 'camille@example.fr' }),
  callback(2, { name: 'Jonas Weber', phone: '+4915123456789', raw: '0151 23456789', reason: 'Question sur la garantie', urgent: true, due: 6, locale: 'de-DE' }),
  callback(3, { name: 'Léa Dubois', phone: '+33698765432', raw: '06 98 76 54 32', reason: 'Changer l’adresse de livraison', due: 25 }),
  callback(4, { name: 'Marco Rossi', phone: '+393471234567', raw: '347 123 4567', reason: 'Retour d’un article', slot: [150, 180], locale: 'it-IT' }),
  callback(5, { name: 'Sofia García', phone: '+34612345678', raw: '612 34 56 78', reason: 'Facture en double', due: 40, email: 'sofia@example.es', locale: 'es-ES' }),
  callback(6, { name: 'Noor Jansen', phone: '+31612345678', raw: '06 12345678', reason: 'Taille à échanger', due: 50, locale: 'nl-NL' }),
];
for (const r of requests) {
  const res = await fetch(`${collector.url}/v1/submissions`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(r),
  });
  if (res.status !== 201) throw new Error(`submission ${r.id}: ${res.status} ${await res.text()}`);
}
await fetch(`${collector.url}/v1/submissions`, {
  method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    schema: 'allo.submission/1', id: '7c9e6679-7425-40de-944b-e07fc1f90b01', kind: 'feedback', created_at: iso(now - 90 * MIN),
    locale: 'fr-FR', visitor: { name: 'Hugo' }, feedback: { metric: 'csat', score: 5, message: 'Livraison rapide, merci !' },
  }),
});

// Feedback for the Insights page: CSAT answers on a few pages and topics.
const answers = [
  [5, 'Livraison', '/commande', 'Livraison rapide, emballage soigné.'], [4, 'Produit', '/produit/veste', 'Belle qualité.'],
  [2, 'Livraison', '/commande', 'Colis arrivé abîmé, personne ne répond au téléphone.'], [5, 'Site', '/', ''],
  [3, 'Prix', '/panier', 'Frais de port un peu élevés.'], [1, 'Site', '/panier', 'Le panier se vide quand je change de page.'],
  [4, 'Produit', '/produit/veste', ''], [5, 'Livraison', '/commande', 'Parfait.'],
];
for (const [i, [score, category, pathName, message]] of answers.entries()) {
  const res = await fetch(`${collector.url}/v1/submissions`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      schema: 'allo.submission/1', id: `8c9e6679-7425-40de-944b-e07fc1f90c${String(i).padStart(2, '0')}`, kind: 'feedback',
      created_at: iso(now - 30 * MIN), locale: 'fr-FR', page: { url: `https://shop.example${pathName}`, title: '', referrer: '' },
      visitor: {}, feedback: { metric: 'csat', score, category, message },
    }),
  });
  if (res.status !== 201) throw new Error(`feedback ${i}: ${res.status} ${await res.text()}`);
}

/** Records a call the way the inbox's buttons do. */
async function record(n, fields) {
  const id = requests[n - 1].id;
  const res = await fetch(`${collector.url}/inbox/item/${id}/attempt`, {
    method: 'POST', redirect: 'manual',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ by: 'Ada', ...fields }),
  });
  if (res.status !== 303) throw new Error(`call ${id}: ${res.status} ${await res.text()}`);
}
await record(5, { outcome: 'no_answer', retry: '60m' });
await record(6, { outcome: 'wrong_number' });
await record(3, { outcome: 'voicemail', retry: '30m', note: 'Message laissé' });

const browser = await launch();
mkdirSync(OUT, { recursive: true });
const shots = [];
for (const [label, width, height] of [['desktop', 1280, 900], ['phone', 390, 844]]) {
  const phone = width < 500;
  const ctx = await browser.newContext({ viewport: { width, height }, isMobile: phone, hasTouch: phone, deviceScaleFactor: phone ? 2 : 1 });
  const page = await ctx.newPage();
  await inboxLogin(page, collector, { email: ADA.email, password: ADA.password });
  await page.goto(`${collector.url}/inbox?view=callbacks`);
  // Ada takes the urgent one (on the first run; on the second it is hers already).
  const take = page.locator(`#q-${requests[1].id}`).getByRole('button', { name: 'Take it' });
  if (await take.count()) {
    await take.click();
    await page.waitForURL(/view=callbacks/);
  }
  const queue = path.join(OUT, `inbox-queue-${label}.png`);
  await page.screenshot({ path: queue, fullPage: !phone });
  await page.goto(`${collector.url}/inbox/item/${requests[2].id}`);
  const item = path.join(OUT, `inbox-item-${label}.png`);
  await page.screenshot({ path: item, fullPage: false });
  await page.goto(`${collector.url}/inbox/insights`);
  const insights = path.join(OUT, `inbox-insights-${label}.png`);
  await page.screenshot({ path: insights, fullPage: false });
  shots.push(queue, item, insights);
  await ctx.close();
  const octx = await browser.newContext({ viewport: { width, height }, isMobile: phone, hasTouch: phone, deviceScaleFactor: phone ? 2 : 1 });
  const owner = await octx.newPage();
  await inboxLogin(owner, collector);
  await owner.goto(`${collector.url}/inbox/accounts`);
  const accounts = path.join(OUT, `inbox-accounts-${label}.png`);
  await owner.screenshot({ path: accounts, fullPage: false });
  shots.push(accounts);
  await octx.close();
}
await browser.close();
await collector.stop();
for (const s of shots) console.log(path.relative(ROOT, s));
