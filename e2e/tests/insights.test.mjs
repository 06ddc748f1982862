// Insights, as the owner reads it: visitors answer through the real widget (NPS on two pages,
// in French and English, and one asks for a call back); the Insights page then shows the
// score with the number of answers it rests on, the same figures filtered by page path and
// language, the lowest-scored comment linking to its item, the callback request counted, and
// its CSV. At 390 and 1280 px it fits the screen, keeps 44 px tap targets, and axe-core finds
// nothing wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { noSidewaysScroll, tapTargetsAreBigEnough, axe } from '../lib/inbox-checks.mjs';
import { DIST, shopPage, inboxLogin, withShop, INBOX_TOKEN, nextTuesday10hParis } from '../lib/harness.mjs';

/** The tap targets of the pages this file checks. */
const TAP_TARGETS = 'button, input:not([type=hidden]), select, header a, .exports a, ol.comments a, summary';
const env = withShop({ site: DIST, args: ['--inbox-token', INBOX_TOKEN, '--timezone', 'Europe/Paris'] });

const WORDS = {
  en: { launcher: 'Contact us', option: (n) => new RegExp(`^${n} out of 10\\b`), send: 'Send', thanks: 'Thank you!' },
  fr: { launcher: 'Nous contacter', option: (n) => new RegExp(`^${n} sur 10\\b`), send: 'Envoyer', thanks: 'Merci\u00a0!' },
};

/** A visitor on `path` of the shop, with the widget in `locale`, answers NPS `score`. */
async function answer(path, locale, score, text) {
  const w = WORDS[locale];
  const ctx = await env.browser.newContext();
  const p = await ctx.newPage();
  await p.goto(env.shop.page(path, shopPage({
    loader: '/cdn/allo/allo.js', lang: locale,
    attrs: `data-endpoint="${env.collector.url}/v1/submissions" data-metric="nps" data-kinds="feedback" data-locale="${locale}"`,
  })));
  await p.getByRole('button', { name: w.launcher }).click();
  // The scale's ends also carry its labels ("10 out of 10, Extremely likely").
  await p.getByRole('radio', { name: w.option(score) }).check();
  await p.locator('textarea').first().fill(text);
  await p.getByRole('button', { name: w.send, exact: true }).click();
  await p.getByRole('heading', { name: w.thanks }).waitFor();
  await ctx.close();
}

async function callMeBack() {
  const ctx = await env.browser.newContext({ timezoneId: 'Europe/Paris' });
  const p = await ctx.newPage();
  const tuesday = nextTuesday10hParis();
  await p.clock.setFixedTime(tuesday);
  await p.goto(env.collector.url + '/');
  await p.getByRole('button', { name: 'Contact us' }).click();
  await p.getByRole('tab', { name: 'Call me back' }).click();
  const f = p.getByRole('tabpanel', { name: 'Call me back' });
  await f.getByLabel('Phone number').fill('06 12 34 56 09');
  await f.getByLabel('Your name').fill('Noor');
  await f.getByLabel(/I agree that the shop may call me/).check();
  // Past the widget's minimum fill time.
  await p.clock.setFixedTime(new Date(tuesday.getTime() + 20_000));
  await f.getByRole('button', { name: 'Call me back' }).click();
  await f.getByRole('heading', { name: 'Request received' }).waitFor();
  await ctx.close();
}

test('Insights shows the figures of answers made through the widget, at 390 and 1280 px', async () => {
  await answer('/checkout.html', 'fr', 10, 'Parfait, merci');
  await answer('/checkout.html', 'en', 9, 'Quick and easy');
  await answer('/cart.html', 'fr', 3, 'Le panier se vide tout seul');
  await callMeBack();
  const [low] = env.collector.rows("select id from submissions where feedback_score = 3");
  assert.deepEqual(env.collector.rows('select locale from submissions where feedback_score is not null order by feedback_score')
    .map((r) => r.locale), ['fr', 'en', 'fr']);

  for (const width of [1280, 390]) {
    const phone = width < 500;
    const ctx = await env.browser.newContext({ viewport: { width, height: phone ? 844 : 900 }, isMobile: phone, hasTouch: phone, timezoneId: 'Europe/Paris' });
    const o = await ctx.newPage();
    await inboxLogin(o, env.collector, { token: INBOX_TOKEN });
    await o.getByRole('navigation', { name: 'Inbox' }).getByRole('link', { name: 'Insights' }).click();
    await o.getByRole('heading', { name: 'Insights', level: 2 }).waitFor();
    // 2 promoters (10, 9), 1 detractor (3) of 3 answers: NPS +33.
    const nps = o.getByRole('heading', { name: /^NPS:/ });
    assert.equal((await nps.innerText()).replace(/\s+/g, ' '), 'NPS: +33 from 3 answers (% promoters (9–10) − % detractors (0–6))');
    // The chart is a named picture with its figures as text, and the table beside it.
    const trend = o.getByRole('img', { name: /NPS by week, last 12 weeks/ });
    assert.match(await trend.getAttribute('aria-labelledby'), /nps-trend-t nps-trend-d/);
    const week = o.getByRole('table', { name: 'NPS by week' });
    assert.equal(await week.getByRole('row').count(), 13);
    assert.deepEqual(await week.getByRole('row').last().getByRole('cell').allInnerTexts(), ['3', '+33']);
    const pages = o.getByRole('table', { name: 'NPS on the pages with most answers' });
    assert.deepEqual(await pages.getByRole('row').nth(1).allInnerTexts(), ['/checkout.html\t2\t+100']);
    // The lowest-scored comment first, linking to its item.
    const first = o.locator('ol.comments li').first();
    assert.match(await first.innerText(), /NPS 3 of 0–10[\s\S]*Le panier se vide tout seul/);
    assert.equal(await first.getByRole('link').getAttribute('href'), `/inbox/item/${low.id}`);
    // The callback request counts, not yet judged (its promise is still ahead).
    const promises = o.getByRole('region', { name: 'Promises kept' });
    assert.match(await promises.innerText(), /Callback requests\s+1 in the period/);
    if (phone) {
      await noSidewaysScroll(o, 'insights');
      await tapTargetsAreBigEnough(o, 'insights', TAP_TARGETS);
    }
    await axe(o, `insights at ${width}`);

    // Filters: the checkout pages only (+100 from 2), French only (10 and 3: 0 from 2).
    await o.getByLabel('Page path starts with').fill('/checkout');
    await o.getByRole('button', { name: 'Show' }).click();
    await o.waitForURL(/path=%2Fcheckout/);
    assert.match(await nps.innerText(), /^NPS: \+100 from 2 answers/);
    await o.getByLabel('Page path starts with').fill('');
    await o.getByLabel('Language').fill('fr');
    await o.getByLabel('Period').selectOption('7');
    await o.getByRole('button', { name: 'Show' }).click();
    await o.waitForURL(/lang=fr/);
    assert.match(await nps.innerText(), /^NPS: 0 from 2 answers/);
    if (phone) await noSidewaysScroll(o, 'insights filtered');
    await axe(o, `insights filtered at ${width}`);

    // The CSV carries the same aggregates.
    const csv = await o.evaluate(async (href) => (await fetch(href)).text(),
      await o.getByRole('link', { name: 'these figures as CSV' }).getAttribute('href'));
    assert.match(csv, /"score","nps","period","2","0"\r\n/);
    await ctx.close();
  }
});
