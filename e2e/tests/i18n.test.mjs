// Languages: the visitor's language chosen from the owner's setting, the page and the browser;
// French and German pages in full (times, dates, numbers and country order from the browser's
// Intl); long German strings that do not break the layout; owner overrides of any string; each
// language but English fetched as its own file, only when needed (src/catalog.rs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DIST, shopPage, watch, until, withShop } from '../lib/harness.mjs';

const env = withShop();

const TUESDAY_10H_PARIS = new Date('2026-11-24T09:00:00Z');
const SATURDAY_15H_PARIS = new Date('2026-11-28T14:00:00Z');
const LYON = 'data-hours="Mo-Fr 09:00-18:00; Sa 10:00-13:00" data-timezone="Europe/Paris" data-country="FR"';

async function shot(p, name) {
  if (!process.env.ALLO_SHOTS) return;
  mkdirSync(process.env.ALLO_SHOTS, { recursive: true });
  await p.screenshot({ path: path.join(process.env.ALLO_SHOTS, `${name}.png`) });
}

function page(file, { lang, attrs = '', before = '' }) {
  return env.shop.page(file, shopPage({
    loader: '/cdn/allo/allo.js', lang, before,
    attrs: `data-endpoint="${env.collector.url}/v1/submissions" ${LYON} ${attrs}`,
  }));
}

/** A page in a fresh context with the visitor's clock, zone and browser language set. */
async function visit(url, { at = TUESDAY_10H_PARIS, locale = 'en-US', viewport } = {}) {
  const ctx = await env.browser.newContext({ timezoneId: 'Europe/Paris', locale, viewport });
  const p = await ctx.newPage();
  const log = watch(p);
  await p.clock.setFixedTime(at);
  await p.goto(url);
  return { ctx, p, log };
}

const launcherText = (p) => p.evaluate(() => new Promise((resolve) => {
  const read = () => document.querySelector('allo-widget')?.shadowRoot?.querySelector('.allo-launcher')?.textContent.trim();
  const poll = () => (read() ? resolve(read()) : setTimeout(poll, 20));
  poll();
}));

test('the language: owner setting, else the page, else the browser; regions fall back; unknown is English', async () => {
  const cases = [
    { lang: 'fr-CA', locale: 'en-US', want: 'Nous contacter', why: 'the page, region fallback' },
    { lang: 'de', locale: 'fr-FR', attrs: 'data-locale="es"', want: 'Contáctenos', why: 'the owner beats the page' },
    { lang: 'pt-BR', locale: 'it-IT', want: 'Contattaci', why: 'an unknown page language: the browser' },
    { lang: 'ja', locale: 'ja-JP', want: 'Contact us', why: 'nothing known: English' },
    { lang: 'nl_BE', locale: 'en-US', want: 'Contact', why: 'an underscore tag' },
  ];
  for (const [i, c] of cases.entries()) {
    const { ctx, p, log } = await visit(page(`/neg-${i}.html`, c), { locale: c.locale });
    assert.equal(await launcherText(p), c.want, c.why);
    assert.deepEqual(log.pageErrors, []);
    await ctx.close();
  }
});

test('a French page: French words, French times and dates, French country order, French numbers', async () => {
  const { ctx, p } = await visit(page('/fr.html', { lang: 'fr-FR' }));
  await p.getByRole('button', { name: 'Nous contacter' }).click();
  await p.getByRole('dialog', { name: /Comment pouvons-nous vous aider/ }).waitFor();
  await p.getByRole('group', { name: /Dans quelle mesure êtes-vous satisfait/ }).waitFor();
  await p.getByRole('tab', { name: 'Demander un rappel' }).click();
  const f = p.getByRole('tabpanel', { name: 'Demander un rappel' });
  await f.getByText('Nous vous appellerons dans les 15 minutes.', { exact: true }).waitFor();
  await f.getByLabel("À l'heure de mon choix").check();
  const slot = f.getByLabel('Choisissez un créneau');
  assert.equal(await slot.locator('optgroup').first().getAttribute('label'), 'mardi 24 novembre');
  assert.equal((await slot.locator('option').nth(1).textContent()), '10:30 – 11:00');
  await slot.selectOption({ index: 1 });
  await f.getByText('Nous vous appellerons le mardi 24 novembre entre 10:30 et 11:00.', { exact: true }).waitFor();
  const countries = await f.getByLabel('Pays').locator('option').allTextContents();
  const at = (name) => countries.findIndex((c) => c.startsWith(name));
  assert.ok(at('Espagne') < at('États-Unis') && at('États-Unis') < at('Finlande'), countries.join(' | '));
  assert.equal(await f.getByLabel('Pays').inputValue(), 'FR');
  await shot(p, 'fr-callback');

  // Feedback: a message over the limit names the limit the French way (4 000).
  await p.getByRole('tab', { name: 'Donner mon avis' }).click();
  await p.getByRole('radio', { name: 'Satisfait', exact: true }).check();
  const message = p.getByLabel("Qu'avons-nous bien fait", { exact: false });
  await message.fill('x'.repeat(4001));
  await p.getByRole('button', { name: 'Envoyer' }).click();
  const err = p.locator('#allo-message-error');
  await err.waitFor();
  assert.equal((await err.textContent()).replace(/\s/g, ' '), 'Votre message ne doit pas dépasser 4 000 caractères.');
  await message.fill('Très bon café');
  await p.getByRole('button', { name: 'Envoyer' }).click();
  await p.getByRole('heading', { name: /Merci/ }).waitFor();
  const [row] = env.collector.rows("select locale from submissions where feedback_message = 'Très bon café'");
  assert.equal(row.locale, 'fr-FR');
  await ctx.close();

  const closed = await visit(page('/fr-closed.html', { lang: 'fr' }), { at: SATURDAY_15H_PARIS });
  await closed.p.getByRole('button', { name: 'Nous contacter' }).click();
  await closed.p.getByRole('tab', { name: 'Demander un rappel' }).click();
  await closed.p.getByText('Nous sommes fermés pour le moment. Nous vous appellerons lundi à partir de 9:00.', { exact: true }).waitFor();
  await closed.ctx.close();
});

test('a German page: German words, dates, times, numbers and country order, and long words that fit', async () => {
  const { ctx, p } = await visit(page('/de.html', { lang: 'de-DE' }));
  await p.getByRole('button', { name: 'Kontakt' }).click();
  const dialog = p.getByRole('dialog', { name: 'Wie können wir helfen?' });
  await dialog.waitFor();
  await shot(p, 'de-feedback');
  await p.getByRole('tab', { name: 'Rückruf anfordern' }).click();
  const f = p.getByRole('tabpanel', { name: 'Rückruf anfordern' });
  await f.getByText('Wir rufen Sie innerhalb von 15 Minuten an.', { exact: true }).waitFor();
  await f.getByLabel('Zu einer Wunschzeit').check();
  const slot = f.getByLabel('Uhrzeit wählen');
  assert.equal(await slot.locator('optgroup').first().getAttribute('label'), 'Dienstag, 24. November');
  await slot.selectOption({ index: 1 });
  await f.getByText('Wir rufen Sie am Dienstag, 24. November zwischen 10:30 und 11:00 an.', { exact: true }).waitFor();
  const countries = await f.getByLabel('Land').locator('option').allTextContents();
  const at = (name) => countries.findIndex((c) => c.startsWith(name));
  assert.ok(at('Norwegen') < at('Österreich') && at('Österreich') < at('Polen'), countries.join(' | '));
  // Nothing is cut off or pushes the panel sideways.
  const overflow = await dialog.evaluate((el) => {
    const wide = [el, ...el.querySelectorAll('.allo-tab, .allo-label, .allo-legend, .allo-button, .allo-check__label, .allo-choice label')]
      .filter((e) => e.getClientRects().length && e.scrollWidth > e.clientWidth + 1);
    return wide.map((e) => e.className || e.tagName);
  });
  assert.deepEqual(overflow, []);
  await shot(p, 'de-callback');

  await p.getByRole('tab', { name: 'Feedback geben' }).click();
  await p.getByRole('radio', { name: 'Zufrieden', exact: true }).check();
  const message = p.getByLabel('Was haben wir gut gemacht?');
  await message.fill('x'.repeat(4001));
  await p.getByRole('button', { name: 'Senden' }).click();
  assert.equal(await p.locator('#allo-message-error').textContent(), 'Ihre Nachricht darf höchstens 4.000 Zeichen lang sein.');
  assert.equal(await p.getByRole('status').first().textContent(), '1 Fehler: Ihre Nachricht darf höchstens 4.000 Zeichen lang sein.');
  await ctx.close();

  const closed = await visit(page('/de-closed.html', { lang: 'de' }), { at: SATURDAY_15H_PARIS });
  await closed.p.getByRole('button', { name: 'Kontakt' }).click();
  await closed.p.getByRole('tab', { name: 'Rückruf anfordern' }).click();
  await closed.p.getByText('Wir haben gerade geschlossen. Wir rufen Sie am Montag ab 9:00 an.', { exact: true }).waitFor();
  await closed.ctx.close();

  // On a phone too.
  const phone = await visit(page('/de-phone.html', { lang: 'de' }), { viewport: { width: 375, height: 667 } });
  await phone.p.getByRole('button', { name: 'Kontakt' }).click();
  await phone.p.getByRole('tab', { name: 'Rückruf anfordern' }).click();
  const fits = await phone.p.getByRole('dialog').evaluate((el) => el.scrollWidth <= el.clientWidth);
  assert.ok(fits, 'the German callback form fits a 375px screen');
  await shot(phone.p, 'de-mobile-callback');
  await phone.ctx.close();
});

test('the owner overrides any string, accessible names and the consent text included', async () => {
  const settings = `<script>window.alloSettings = {
    consentText: "OK pour m'appeler au sujet de ma demande.",
    strings: { fr: { close_label: 'Fermer la fenêtre', launcher_label: 'Une question ?' }, callback_tab: 'Rappel' }
  };</script>`;
  const { ctx, p } = await visit(page('/overrides.html', { lang: 'fr', before: settings }));
  await p.getByRole('button', { name: 'Une question ?' }).click();
  await p.getByRole('button', { name: 'Fermer la fenêtre' }).waitFor();
  await p.getByRole('tab', { name: 'Rappel', exact: true }).click();
  const f = p.getByRole('tabpanel', { name: 'Rappel' });
  await f.getByLabel('Numéro de téléphone').fill('06 20 00 00 01');
  await f.getByLabel('Votre nom').fill('Owen Override');
  await f.getByLabel("OK pour m'appeler au sujet de ma demande.").check();
  await p.clock.setFixedTime(new Date(TUESDAY_10H_PARIS.getTime() + 20_000));
  await f.getByRole('button', { name: 'Rappelez-moi' }).click();
  await p.getByRole('heading', { name: 'Demande reçue' }).waitFor();
  const [row] = env.collector.rows("select consent_text from submissions where visitor_name = 'Owen Override'");
  assert.equal(row.consent_text, "OK pour m'appeler au sujet de ma demande.");
  await ctx.close();
});

/** The catalog files a page fetches, by language, in order. */
function catalogRequests(p) {
  const { catalogs } = JSON.parse(readFileSync(path.join(DIST, 'allo-manifest.json'), 'utf8'));
  const byFile = Object.fromEntries(Object.entries(catalogs).map(([lang, c]) => [c.file, lang]));
  const seen = [];
  p.on('request', (r) => {
    const lang = byFile[new URL(r.url()).pathname.split('/').pop()];
    if (lang) seen.push(lang);
  });
  return seen;
}

const allo = (log) => log.errors.filter((e) => e.startsWith('Allo:'));

test('only the visitor\'s language is downloaded; setLocale fetches another once, and works offline for those loaded', async () => {
  // English is built in: nothing to fetch.
  const en = await visit(page('/catalog-en.html', { lang: 'en' }));
  const enSeen = catalogRequests(en.p);
  await en.p.getByRole('button', { name: 'Contact us' }).click();
  await en.p.getByRole('dialog', { name: 'How can we help?' }).waitFor();
  assert.deepEqual(enSeen, []);
  await en.ctx.close();

  // A French page fetches the French catalog, and only it, when the app starts.
  const { ctx, p, log } = await visit(page('/catalog-fr.html', { lang: 'fr-FR' }));
  const seen = catalogRequests(p);
  await p.getByRole('button', { name: 'Nous contacter' }).click();
  await p.getByRole('dialog', { name: /Comment pouvons-nous vous aider/ }).waitFor();
  assert.deepEqual(seen, ['fr']);
  // Another language: fetched on the call, then shown whole.
  await p.evaluate(() => Allo.setLocale('de'));
  await p.getByRole('dialog', { name: 'Wie können wir helfen?' }).waitFor();
  await p.getByRole('tab', { name: 'Rückruf anfordern' }).waitFor();
  assert.deepEqual(seen, ['fr', 'de']);
  // Offline, every language already shown still works, English too.
  await ctx.setOffline(true);
  await p.evaluate(() => Allo.setLocale('fr'));
  await p.getByRole('dialog', { name: /Comment pouvons-nous vous aider/ }).waitFor();
  await p.evaluate(() => Allo.setLocale('en'));
  await p.getByRole('dialog', { name: 'How can we help?' }).waitFor();
  await p.evaluate(() => Allo.setLocale('de-AT'));
  await p.getByRole('dialog', { name: 'Wie können wir helfen?' }).waitFor();
  assert.deepEqual(seen, ['fr', 'de']);
  // One that was never loaded cannot be: one error, and the widget stays in German. Offline,
  // the console messages' texts cannot be fetched either: the error is the message's number
  // and its arguments (docs/messages.md).
  await p.evaluate(() => Allo.setLocale('es'));
  await until(() => allo(log).length, { what: 'the error for the Spanish catalog' });
  assert.equal(allo(log).length, 1, allo(log).join('\n'));
  assert.match(allo(log)[0], /^Allo: message \d+ \["es",".*allo-es-[\da-f]{16}\.json",".*","de"\] \(its text could not be loaded; see messages\.md in the Allo package\)$/);
  await p.getByRole('tab', { name: 'Feedback geben' }).click();
  await p.getByRole('radio', { name: 'Zufrieden', exact: true }).check();
  await p.getByRole('dialog', { name: 'Wie können wir helfen?' }).waitFor();
  assert.deepEqual(log.pageErrors, []);
  await ctx.close();
});

test('a catalog that cannot be loaded at start: one clear error, and the widget works in English', async () => {
  const { ctx, p, log } = await visit(page('/catalog-blocked.html', { lang: 'it' }));
  await ctx.route('**/allo-it-*.json', (route) => route.abort('blockedbyclient'));
  const seen = catalogRequests(p);
  await p.getByRole('button', { name: 'Contattaci' }).click();
  await p.getByRole('dialog', { name: 'How can we help?' }).waitFor();
  assert.deepEqual(seen, ['it']);
  await until(() => allo(log).length, { what: 'the error for the Italian catalog' });
  assert.equal(allo(log).length, 1, allo(log).join('\n'));
  assert.match(allo(log)[0], /^Allo: could not load the texts in "it" \(.*allo-it-[\da-f]{16}\.json: offline, blocked, or not the file this widget was built with\); the widget goes on in "en"\.$/);
  // It still takes a message.
  await p.getByRole('radio', { name: 'Satisfied', exact: true }).check();
  await p.locator('textarea').first().fill('Blocked catalog, English form');
  await p.getByRole('button', { name: 'Send' }).click();
  await p.getByRole('heading', { name: 'Thank you!' }).waitFor();
  assert.deepEqual(log.pageErrors, []);
  await ctx.close();
});
