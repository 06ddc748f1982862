// What every inbox page is held to (docs/inbox.md): usable on a phone — no sideways scroll,
// tap targets of at least 44 px — and clean for axe-core on every WCAG 2.x A and AA rule.
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';

/** Every WCAG 2.x A and AA rule axe has (2.2 AA adds target-size); nothing disabled. */
export const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

/** The page `o` is no wider than its viewport. */
export async function noSidewaysScroll(o, what) {
  const { scroll, width } = await o.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  assert.ok(scroll <= width, `${what}: scrollWidth ${scroll} > viewport ${width}`);
}

/** Every visible element matching `selector` (the page's tap targets) is at least 44 × 44 px. */
export async function tapTargetsAreBigEnough(o, what, selector) {
  const small = await o.evaluate((selector) => [...document.querySelectorAll(selector)]
    .filter((e) => e.getClientRects().length > 0)
    .map((e) => ({ e, r: e.getBoundingClientRect() }))
    .filter(({ r }) => r.height < 44 || r.width < 44)
    .map(({ e, r }) => `${e.tagName.toLowerCase()} "${(e.textContent || e.name || '').trim().slice(0, 30)}" ${Math.round(r.width)}×${Math.round(r.height)}`), selector);
  assert.deepEqual(small, [], `${what}: tap targets under 44 px`);
}

/** axe-core finds no WCAG A/AA violation on the page. */
export async function axe(o, what) {
  const r = await new AxeBuilder({ page: o }).withTags(WCAG).analyze();
  const report = r.violations.map((v) => `${v.id}: ${v.help}\n` +
    v.nodes.map((n) => `    ${JSON.stringify(n.target)}: ${n.failureSummary}`).join('\n')).join('\n');
  assert.equal(r.violations.length, 0, `${what}:\n${report}`);
}
