// Accessibility for every visitor: axe-core on every screen in light and dark, keyboard-only
// use of both forms, the phone sheet, a right-to-left host page, reduced motion, and the
// owner's theming settings.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { startCollector, startStatic, shopPage, launch, watch, until, startApp } from '../lib/harness.mjs';

let browser, shop, collector;
before(async () => {
  browser = await launch();
  shop = await startStatic();
  collector = await startCollector({ allowOrigins: [shop.url] });
});
after(async () => {
  await browser?.close();
  await collector?.stop();
  await shop?.stop();
});

// Every WCAG 2.x A and AA rule axe has (2.2 AA adds target-size); nothing disabled.
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];
const TUESDAY_10H_PARIS = new Date('2026-11-24T09:00:00Z');
const LYON = 'data-hours="Mo-Fr 09:00-18:00; Sa 10:00-13:00" data-timezone="Europe/Paris" data-country="FR" data-privacy-url="#privacy"';

/** Screenshots for a person to look at, when ALLO_SHOTS names a folder. */
async function shot(p, name) {
  if (!process.env.ALLO_SHOTS) return;
  mkdirSync(process.env.ALLO_SHOTS, { recursive: true });
  await p.screenshot({ path: path.join(process.env.ALLO_SHOTS, `${name}.png`) });
}

function page(file, attrs = '', { body = '', lang = 'en' } = {}) {
  return shop.page(file, shopPage({
    loader: '/cdn/allo/allo.js', lang, body,
    attrs: `data-endpoint="${collector.url}/v1/submissions" ${attrs}`,
  }));
}

/** axe-core inside the widget's shadow root: zero violations, or a readable list of them. */
async function axe(p, what) {
  // Contrast is judged on what is finally shown: a panel still fading in (opacity < 1) blends
  // its text with the background, which axe would measure (seen under load in CI).
  await p.evaluate(() => Promise.all(
    (document.querySelector('allo-widget')?.shadowRoot?.getAnimations() ?? []).map((a) => a.finished)));
  const r = await new AxeBuilder({ page: p }).include('allo-widget').withTags(WCAG).analyze();
  const report = r.violations.map((v) => `${v.id}: ${v.help}\n` +
    v.nodes.map((n) => `    ${JSON.stringify(n.target)}: ${n.failureSummary}`).join('\n')).join('\n');
  assert.equal(r.violations.length, 0, `${what}:\n${report}`);
  // It looked inside the shadow root (targets there are [host, inner] paths), not at an empty host.
  const inside = r.passes.flatMap((rule) => rule.nodes).filter((n) => Array.isArray(n.target[0]));
  assert.ok(inside.length > 0, `${what}: axe saw nothing inside the widget`);
  return r;
}

/** The element focused inside the widget, named the way a test can read it. */
const focused = (p) => p.evaluate(() => {
  const a = document.querySelector('allo-widget')?.shadowRoot.activeElement;
  if (!a) return null;
  return a.getAttribute('aria-label') || a.id || a.name || a.textContent.trim();
});

async function tabUntil(p, name, max = 40) {
  for (let i = 0; i < max; i++) {
    if ((await focused(p)) === name) return;
    await p.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${name}; focus is on ${await focused(p)}`);
}

// The collector refuses a second open callback for the same number: each request has its own.
const MODES = [
  { name: 'light', media: 'light', attrs: '', bg: 'rgb(255, 255, 255)', phone: '06 10 00 00 01' },
  { name: 'dark', media: 'dark', attrs: '', bg: 'rgb(31, 41, 55)', phone: '06 10 00 00 02' },
  { name: 'scheme-dark-on-light-system', media: 'light', attrs: 'data-scheme="dark"', bg: 'rgb(31, 41, 55)', phone: '06 10 00 00 03' },
  { name: 'scheme-light-on-dark-system', media: 'dark', attrs: 'data-scheme="light"', bg: 'rgb(255, 255, 255)', phone: '06 10 00 00 04' },
];

test('axe finds no WCAG A/AA violation on any screen, in light and dark, by media query and by setting', async () => {
  for (const mode of MODES) {
    const ctx = await browser.newContext({ timezoneId: 'Europe/Paris' });
    const p = await ctx.newPage();
    await p.emulateMedia({ colorScheme: mode.media });
    await p.clock.setFixedTime(TUESDAY_10H_PARIS);
    // A dark brown accent: hard on a dark panel, so the readable accent variant is exercised.
    await p.goto(page(`/axe-${mode.name}.html`, `data-accent="#7c2d12" ${LYON} ${mode.attrs}`));
    const launcher = p.getByRole('button', { name: 'Contact us' });
    await launcher.waitFor();
    await axe(p, `${mode.name}: launcher`);

    await launcher.click();
    const dialog = p.getByRole('dialog', { name: 'How can we help?' });
    await dialog.waitFor();
    assert.equal(await dialog.evaluate((el) => getComputedStyle(el).backgroundColor), mode.bg, mode.name);
    await axe(p, `${mode.name}: feedback form`);
    await shot(p, `${mode.name}-feedback`);

    await p.getByRole('button', { name: 'Send' }).click();
    await p.getByText('Please choose a rating.', { exact: true }).waitFor();
    await axe(p, `${mode.name}: feedback form with errors`);

    await p.getByRole('radio', { name: 'Satisfied', exact: true }).check();
    await p.getByLabel('What did we do well?').fill(`axe ${mode.name}`);
    await p.getByRole('button', { name: 'Send' }).click();
    await p.getByRole('heading', { name: 'Thank you!' }).waitFor();
    await axe(p, `${mode.name}: feedback thank-you`);
    await p.getByRole('button', { name: 'Show me the status' }).click();
    await p.locator('.allo-request__headline').waitFor();
    await axe(p, `${mode.name}: the request's status`);
    await shot(p, `${mode.name}-thanks`);

    await p.getByRole('tab', { name: 'Call me back' }).click();
    const f = p.getByRole('tabpanel', { name: 'Call me back' });
    await f.getByLabel('Phone number').waitFor();
    await f.getByLabel('At a time that suits me').check();
    await axe(p, `${mode.name}: callback form`);
    await shot(p, `${mode.name}-callback`);

    await f.getByRole('button', { name: 'Call me back' }).click();
    await p.getByText('Please enter your name.', { exact: true }).waitFor();
    await axe(p, `${mode.name}: callback form with errors`);
    await shot(p, `${mode.name}-callback-errors`);

    await f.getByLabel('Phone number').fill(mode.phone);
    await f.getByLabel('Your name').fill('Axe Tester');
    await f.getByLabel('Choose a time').selectOption({ index: 1 });
    await f.getByLabel(/I agree that the shop may call me/).check();
    await p.clock.setFixedTime(new Date(TUESDAY_10H_PARIS.getTime() + 20_000));
    await f.getByRole('button', { name: 'Call me back' }).click();
    await p.getByRole('heading', { name: 'Request received' }).waitFor();
    await axe(p, `${mode.name}: callback thank-you`);
    await ctx.close();
  }
});

test('NPS and CES scales pass axe too, and NPS choices stay at least 24px on a phone', async () => {
  for (const metric of ['nps', 'ces']) {
    const ctx = await browser.newContext({ viewport: { width: 375, height: 667 } });
    const p = await ctx.newPage();
    await p.goto(page(`/axe-${metric}.html`, `data-metric="${metric}" data-kinds="feedback"`));
    await p.getByRole('button', { name: 'Contact us' }).click();
    await p.getByRole('dialog').waitFor();
    await axe(p, `${metric} scale`);
    const boxes = await p.getByRole('radio').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()));
    const panel = await p.getByRole('dialog').evaluate((el) => el.getBoundingClientRect().toJSON());
    for (const b of boxes) {
      assert.ok(b.width >= 24 && b.height >= 24, `${metric} choice ${JSON.stringify(b)}`);
      assert.ok(b.right <= panel.right, `${metric} choice off the sheet: ${b.right} > ${panel.right}`);
    }
    await shot(p, `mobile-${metric}`);
    await ctx.close();
  }
});

test('keyboard only: the feedback form is filled, sent and started again without a mouse', async () => {
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  await p.goto(page('/keys-feedback.html', LYON, { body: '<a href="#top">Shop home</a>' }));
  await p.getByRole('button', { name: 'Contact us' }).waitFor();
  await tabUntil(p, 'Contact us');
  await p.keyboard.press('Enter');
  await p.getByRole('dialog').waitFor();
  await until(async () => (await focused(p)) === 'allo-score', { what: 'focus on the rating' });
  // Shift+Tab from the first control reaches the tabs, and wraps from the close button.
  await p.keyboard.press('Shift+Tab');
  assert.equal(await focused(p), 'allo-tab-feedback');
  await p.keyboard.press('Shift+Tab');
  assert.equal(await focused(p), 'Close');
  await p.keyboard.press('Shift+Tab');
  assert.equal(await focused(p), 'Send', 'Shift+Tab wraps to the last control');
  await p.keyboard.press('Tab');
  assert.equal(await focused(p), 'Close', 'Tab wraps to the first control');
  await tabUntil(p, 'allo-score');

  // Arrow keys choose within the rating (a native radio group).
  for (let i = 0; i < 3; i++) await p.keyboard.press('ArrowRight');
  assert.equal(await p.getByRole('radio', { name: 'Satisfied', exact: true }).isChecked(), true);
  await p.keyboard.press('Tab');
  assert.equal(await focused(p), 'allo-message');
  await p.keyboard.type('Sent with the keyboard alone.');
  await p.keyboard.press('Tab');
  assert.equal(await focused(p), 'allo-category');
  await p.keyboard.press('ArrowDown');
  await p.keyboard.press('ArrowDown');
  assert.equal(await p.getByLabel('Topic').inputValue(), 'idea');
  await p.keyboard.press('Tab');
  await p.keyboard.type('Kim Keyboard');
  await p.keyboard.press('Tab');
  await p.keyboard.type('kim@example.com');
  await p.keyboard.press('Tab');
  assert.equal(await focused(p), 'allo-remember');
  await p.keyboard.press('Space');
  await p.keyboard.press('Tab');
  assert.equal(await focused(p), 'Send');
  await p.keyboard.press('Enter');
  await p.getByRole('heading', { name: 'Thank you!' }).waitFor();
  assert.equal(await focused(p), 'Thank you!', 'the heading takes focus');
  const [row] = collector.rows("select * from submissions where feedback_message = 'Sent with the keyboard alone.'");
  assert.deepEqual([row.feedback_score, row.feedback_category, row.visitor_name, row.visitor_email], [4, 'idea', 'Kim Keyboard', 'kim@example.com']);

  // The collector lets the visitor follow the request: the status replaces its button and
  // takes focus, so focus never falls out of the dialog.
  await p.keyboard.press('Tab');
  assert.equal(await focused(p), 'Show me the status');
  await p.keyboard.press('Enter');
  await until(async () => (await focused(p)) === 'Your requests', { what: 'focus on the status' });
  // "Send another message" brings focus back into a fresh form, not onto the page.
  await p.keyboard.press('Tab');
  assert.equal(await focused(p), 'Send another message');
  await p.keyboard.press('Enter');
  await until(async () => (await focused(p)) === 'allo-score', { what: 'focus on the fresh form' });
  await p.keyboard.press('Escape');
  await until(async () => (await p.getByRole('dialog').count()) === 0, { what: 'dialog closed' });
  assert.equal(await focused(p), 'Contact us');
  await ctx.close();
});

test('keyboard only: a callback for a chosen slot, then Esc from the thank-you returns to the launcher', async () => {
  const ctx = await browser.newContext({ timezoneId: 'Europe/Paris' });
  const p = await ctx.newPage();
  await p.clock.setFixedTime(TUESDAY_10H_PARIS);
  await p.goto(page('/keys-callback.html', LYON));
  await p.getByRole('button', { name: 'Contact us' }).waitFor();
  await tabUntil(p, 'Contact us');
  await p.keyboard.press('Enter');
  await until(async () => (await focused(p)) === 'allo-score', { what: 'focus in the dialog' });
  await p.keyboard.press('Shift+Tab');
  assert.equal(await focused(p), 'allo-tab-feedback');
  await p.keyboard.press('ArrowRight');
  assert.equal(await focused(p), 'allo-tab-callback');
  assert.equal(await p.getByRole('tab', { name: 'Call me back' }).getAttribute('aria-selected'), 'true');
  await p.keyboard.press('Tab');
  assert.equal(await focused(p), 'allo-country');
  await p.keyboard.press('Tab');
  assert.equal(await focused(p), 'allo-phone');
  await p.keyboard.type('06 10 00 00 05');
  await p.keyboard.press('Tab');
  await p.keyboard.type('Kai Keys');
  await p.keyboard.press('Tab');
  // The optional email ("so we can tell you if we're running late"), left empty.
  assert.equal(await focused(p), 'allo-cb-email');
  await p.keyboard.press('Tab');
  assert.equal(await focused(p), 'allo-reason');
  await p.keyboard.type('Grinder settings');
  await p.keyboard.press('Tab');
  assert.equal(await focused(p), 'allo-urgent');
  await p.keyboard.press('Space');
  await p.keyboard.press('Tab');
  assert.equal(await focused(p), 'allo-when-asap');
  await p.keyboard.press('ArrowDown');
  assert.equal(await focused(p), 'allo-when-slot');
  await p.keyboard.press('Tab');
  assert.equal(await focused(p), 'allo-slot');
  await p.keyboard.press('ArrowDown');
  await p.getByText("We'll call you on Tuesday, November 24 between 10:30 AM and 11:00 AM.", { exact: true }).waitFor();
  await p.keyboard.press('Tab');
  assert.equal(await focused(p), 'allo-consent');
  await p.keyboard.press('Space');
  await tabUntil(p, 'Call me back', 4);
  // A person takes a while over a form; the minimum fill time is measured on the page's clock.
  await p.clock.setFixedTime(new Date(TUESDAY_10H_PARIS.getTime() + 30_000));
  await p.keyboard.press('Enter');
  await p.getByRole('heading', { name: 'Request received' }).waitFor();
  assert.equal(await focused(p), 'Request received');
  const [row] = collector.rows("select * from submissions where visitor_name = 'Kai Keys'");
  assert.equal(row.callback_phone_e164, '+33610000005');
  assert.equal(row.callback_when_mode, 'slot');
  assert.equal(row.callback_slot_from, '2026-11-24T09:30:00.000Z');
  assert.equal(row.callback_urgent, 1);
  assert.equal(row.callback_reason, 'Grinder settings');
  assert.match(row.consent_text, /^I agree/);
  await p.keyboard.press('Escape');
  await until(async () => (await p.getByRole('dialog').count()) === 0, { what: 'dialog closed' });
  assert.equal(await focused(p), 'Contact us');
  await ctx.close();
});

test('screen readers hear a failed submit summarised, "Sending…", and the thank-you', async () => {
  const ctx = await browser.newContext({ timezoneId: 'Europe/Paris' });
  const p = await ctx.newPage();
  await p.clock.setFixedTime(TUESDAY_10H_PARIS);
  await p.goto(page('/live.html', LYON));
  await p.getByRole('button', { name: 'Contact us' }).click();
  await p.getByRole('tab', { name: 'Call me back' }).click();
  const f = p.getByRole('tabpanel', { name: 'Call me back' });
  const status = f.getByRole('status');
  await f.getByRole('button', { name: 'Call me back' }).click();
  await until(async () => (await status.textContent()).startsWith('3 problems:'), { what: 'the summary' });
  assert.equal((await status.textContent()).trim(),
    '3 problems: Please enter your phone number. Please enter your name. Please tick the box so that we may call you.');
  // The first invalid control has focus, and its message is its description.
  assert.equal(await focused(p), 'allo-phone');
  const phone = f.getByLabel('Phone number');
  assert.equal(await phone.getAttribute('aria-describedby'), 'allo-phone-error');
  assert.equal(await phone.getAttribute('aria-invalid'), 'true');
  // The same region (not a new one) speaks the thank-you.
  const region = await status.elementHandle();
  await phone.fill('06 10 00 00 06');
  await f.getByLabel('Your name').fill('Lena Live');
  await f.getByLabel(/I agree/).check();
  await p.clock.setFixedTime(new Date(TUESDAY_10H_PARIS.getTime() + 20_000));
  // Hold the request at the network so the sending state can be heard.
  let release;
  const held = new Promise((r) => { release = r; });
  await p.route('**/v1/submissions', async (route) => { await held; await route.continue(); });
  await f.getByRole('button', { name: 'Call me back' }).click();
  await until(async () => (await region.evaluate((el) => el.textContent)) === 'Sending…', { what: '"Sending…"' });
  assert.equal(await f.getByRole('button', { name: 'Sending…' }).getAttribute('aria-disabled'), 'true');
  assert.equal(await focused(p), 'Sending…', 'the button keeps focus while sending');
  release();
  await p.getByRole('heading', { name: 'Request received' }).waitFor();
  assert.equal(await region.evaluate((el) => el.isConnected && el.textContent), 'Request received');
  const described = await p.getByRole('heading', { name: 'Request received' }).getAttribute('aria-describedby');
  assert.equal(described, 'allo-cb-thanks-next allo-cb-thanks-ref');
  await ctx.close();
});

test('a phone: the panel is a full-screen sheet, fields are 16px or more, targets 24px or more, and the focused field stays above the keyboard', async () => {
  const ctx = await browser.newContext({ viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true, timezoneId: 'Europe/Paris' });
  const p = await ctx.newPage();
  await p.clock.setFixedTime(TUESDAY_10H_PARIS);
  // The demo page: it has the viewport meta tag a phone needs.
  await p.goto(collector.url + '/');
  await p.getByRole('button', { name: 'Contact us' }).tap();
  const dialog = p.getByRole('dialog');
  await dialog.waitFor();
  // Measured once it has risen into place.
  await dialog.evaluate((el) => Promise.all(el.getAnimations().map((a) => a.finished)));
  const box = await dialog.boundingBox();
  assert.deepEqual([box.x, box.y, box.width, box.height].map(Math.round), [0, 0, 375, 667]);
  await shot(p, 'mobile-feedback');
  for (const tab of ['Give feedback', 'Call me back']) {
    await p.getByRole('tab', { name: tab }).tap();
    const panel = p.getByRole('tabpanel', { name: tab });
    const sizes = await panel.locator('input:not([type=radio]):not([type=checkbox]):not([tabindex="-1"]), select, textarea')
      .evaluateAll((els) => els.map((e) => [e.id, parseFloat(getComputedStyle(e).fontSize)]));
    assert.ok(sizes.length >= 3, tab);
    for (const [id, size] of sizes) assert.ok(size >= 16, `${id} is ${size}px: iOS would zoom`);
    const targets = await dialog.locator('button, input[type=radio], input[type=checkbox]')
      .evaluateAll((els) => els.filter((e) => e.getClientRects().length && !e.closest('[hidden]'))
        .map((e) => [e.id || e.name || e.textContent.trim(), e.getBoundingClientRect().width, e.getBoundingClientRect().height]));
    for (const [name, w, h] of targets) assert.ok(w >= 24 && h >= 24, `${name} is ${w}×${h}`);
    assert.ok(await dialog.evaluate((el) => el.scrollWidth <= el.clientWidth), `${tab}: nothing wider than the sheet`);
  }
  await shot(p, 'mobile-callback');

  // The on-screen keyboard takes the bottom of the screen: the field being typed into must stay
  // visible (the layout shrinks as with Chrome's resizes-content; the hook follows visualViewport).
  await p.getByRole('tab', { name: 'Give feedback' }).tap();
  const email = p.getByRole('tabpanel', { name: 'Give feedback' }).getByLabel('Your email');
  await email.focus();
  await p.setViewportSize({ width: 375, height: 300 });
  await until(async () => {
    const r = await email.boundingBox();
    return r && r.y >= 0 && r.y + r.height <= 300;
  }, { what: 'the focused field above the keyboard' });
  const sheet = await dialog.boundingBox();
  assert.ok(sheet.height <= 301, `sheet ${sheet.height}px tall in a 300px viewport`);
  await shot(p, 'mobile-keyboard');
  await ctx.close();
});

test('a right-to-left host page does not mirror the widget', async () => {
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  const html = `<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>متجر</title></head>
<body><h1>متجر القهوة</h1><p>مرحبا</p>
<script src="/cdn/allo/allo.js" data-endpoint="${collector.url}/v1/submissions" defer></script></body></html>`;
  await p.goto(shop.page('/rtl.html', html));
  // Arabic is not one of Allo's languages: the browser's (English) is used, written LTR.
  const launcher = p.getByRole('button', { name: 'Contact us' });
  await launcher.waitFor();
  // Measure the app's launcher: the loader's stand-in may be swapped out mid-measure.
  await startApp(p);
  const vw = p.viewportSize().width;
  const lb = await launcher.boundingBox();
  assert.equal(Math.round(vw - (lb.x + lb.width)), 20, 'the launcher stays in the bottom-right corner');
  assert.equal(await launcher.evaluate((el) => getComputedStyle(el).direction), 'ltr');
  await launcher.click();
  const dialog = p.getByRole('dialog', { name: 'How can we help?' });
  await dialog.waitFor();
  assert.equal(await dialog.getAttribute('dir'), 'ltr');
  assert.equal(await dialog.evaluate((el) => getComputedStyle(el).direction), 'ltr');
  const title = await p.locator('#allo-title').boundingBox();
  const close = await p.getByRole('button', { name: 'Close' }).boundingBox();
  assert.ok(close.x > title.x, 'the close button is on the right of the title');
  // The visible ends of the scale (each also names its option, visually hidden).
  const ends = p.locator('.allo-rating__ends span');
  const [low, high] = [await ends.first().boundingBox(), await ends.last().boundingBox()];
  assert.ok(low.x < high.x, 'the scale runs left to right');
  const first = await p.getByRole('radio').first().boundingBox();
  const last = await p.getByRole('radio').last().boundingBox();
  assert.ok(first.x < last.x);
  await shot(p, 'rtl');
  await ctx.close();
});

test('reduced motion: no animation or transition; otherwise the panel rises in', async () => {
  for (const reducedMotion of ['reduce', 'no-preference']) {
    const ctx = await browser.newContext({ reducedMotion });
    const p = await ctx.newPage();
    await p.goto(page(`/motion-${reducedMotion}.html`));
    const launcher = p.getByRole('button', { name: 'Contact us' });
    await launcher.click();
    const dialog = p.getByRole('dialog');
    await dialog.waitFor();
    const motion = await dialog.evaluate((el) => ({
      name: getComputedStyle(el).animationName,
      running: el.getAnimations().length,
    }));
    const transition = await launcher.evaluate((el) => getComputedStyle(el).transitionDuration);
    if (reducedMotion === 'reduce') {
      assert.deepEqual(motion, { name: 'none', running: 0 });
      assert.equal(transition, '0s');
    } else {
      assert.equal(motion.name, 'allo-rise');
      assert.notEqual(transition, '0s');
    }
    await ctx.close();
  }
});

/** WCAG contrast of two `rgb()` strings. */
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c.match(/\d+/g).slice(0, 3).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

test('theming: any accent stays readable, in light and dark; z-index and offsets move the launcher', async () => {
  for (const accent of ['#7c2d12', '#ffff00', '#1d4ed8', '#777777']) {
    for (const scheme of ['light', 'dark']) {
      const ctx = await browser.newContext();
      const p = await ctx.newPage();
      const slug = `${accent.slice(1)}-${scheme}`;
      await p.goto(page(`/accent-${slug}.html`, `data-accent="${accent}" data-scheme="${scheme}" data-kinds="feedback"`));
      const launcher = p.getByRole('button', { name: 'Contact us' });
      // Measure the app's launcher, not the loader's stand-in it replaces (both must be readable;
      // the stand-in's colours are checked against the app's in api.test.mjs).
      await startApp(p);
      const [bg, fg] = await launcher.evaluate((el) => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color]);
      assert.ok(contrast(bg, fg) >= 4.5, `${slug}: launcher text ${fg} on ${bg}`);
      await launcher.click();
      await p.getByRole('radio', { name: 'Satisfied', exact: true }).check();
      const panelBg = await p.getByRole('dialog').evaluate((el) => getComputedStyle(el).backgroundColor);
      const border = await p.getByRole('radio', { name: 'Satisfied', exact: true })
        .evaluate((el) => getComputedStyle(el.nextElementSibling).borderTopColor);
      assert.ok(contrast(border, panelBg) >= 3, `${slug}: selected border ${border} on ${panelBg}`);
      const send = p.getByRole('button', { name: 'Send' });
      const [sbg, sfg] = await send.evaluate((el) => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color]);
      assert.ok(contrast(sbg, sfg) >= 4.5, `${slug}: send button`);
      await ctx.close();
    }
  }

  const ctx = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  const p = await ctx.newPage();
  const log = watch(p);
  await p.goto(page('/placed.html', 'data-z-index="5" data-offset-x="96px" data-offset-y="5rem" data-position="bottom-left"'));
  const launcher = p.getByRole('button', { name: 'Contact us' });
  await startApp(p);
  const placed = await launcher.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { z: getComputedStyle(el).zIndex, left: r.left, bottom: innerHeight - r.bottom };
  });
  assert.deepEqual(placed, { z: '5', left: 96, bottom: 80 });
  await launcher.click();
  const panel = await p.getByRole('dialog').evaluate((el) => ({ z: getComputedStyle(el).zIndex, left: el.getBoundingClientRect().left }));
  assert.deepEqual(panel, { z: '5', left: 96 });
  assert.deepEqual(log.warnings, []);
  await ctx.close();

  // A bad offset is named in one warning and the default is used.
  const bad = await browser.newContext();
  const q = await bad.newPage();
  const badLog = watch(q);
  await q.goto(page('/bad-offset.html', 'data-offset-x="10px;display:none"'));
  await q.getByRole('button', { name: 'Contact us' }).waitFor();
  // The warning comes from the app's config parser, once the wasm has loaded.
  await startApp(q);
  assert.ok(badLog.warnings.some((w) => /offsetX/.test(w) && /24px/.test(w)), badLog.warnings.join('\n'));
  const right = await q.getByRole('button', { name: 'Contact us' }).evaluate((el) => innerWidth - el.getBoundingClientRect().right);
  assert.equal(right, 20);
  await bad.close();
});

test('launcher "hidden": nothing is drawn in the corner, and nothing complains', async () => {
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  const log = watch(p);
  await p.goto(page('/no-launcher.html', 'data-launcher="hidden"'));
  await p.locator('allo-widget').waitFor({ state: 'attached' });
  await p.waitForLoadState('networkidle');
  const drawn = () => p.evaluate(() => document.querySelector('allo-widget').shadowRoot.querySelectorAll('button, [role=dialog]').length);
  assert.equal(await p.locator('allo-widget').count(), 1);
  assert.equal(await drawn(), 0);
  // The app starts with the owner's own call; closed again, it leaves nothing in the corner.
  await p.evaluate(() => Allo.open());
  await p.getByRole('dialog').waitFor();
  await p.evaluate(() => Allo.close());
  await until(async () => (await drawn()) === 0, { what: 'the panel closed' });
  assert.ok(await p.evaluate(() => !!document.querySelector('allo-widget').shadowRoot.querySelector('.allo')), 'the app is running');
  assert.equal(await p.getByRole('button', { name: 'Contact us' }).count(), 0);
  assert.deepEqual([log.errors, log.warnings, log.pageErrors], [[], [], []]);
  await ctx.close();
});
