// Feedback: every metric, the adaptive follow-up, drafts, and remembering a visitor who asked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shopPage, until, withShop } from '../lib/harness.mjs';

const env = withShop();

function page(path, attrs = '') {
  return env.shop.page(path, shopPage({ loader: '/cdn/allo/allo.js', attrs: `data-endpoint="${env.collector.url}/v1/submissions" ${attrs}` }));
}

async function open(p) {
  await p.getByRole('button', { name: 'Contact us' }).click();
  await p.getByRole('dialog').waitFor();
}

const rowOf = (text) => env.collector.rows(`select * from submissions where feedback_message = '${text}'`);

test('NPS and CES are real radio groups and land with their metric', async () => {
  const cases = [
    { metric: 'nps', question: 'How likely are you to recommend us to a friend or colleague?', option: '9 out of 10', count: 11, score: 9, label: 'What did we do well?' },
    { metric: 'ces', question: 'The shop made it easy for me to do what I wanted.', option: '2, Disagree', count: 7, score: 2, label: 'What went wrong?' },
  ];
  for (const c of cases) {
    const ctx = await env.browser.newContext();
    const p = await ctx.newPage();
    await p.goto(page(`/${c.metric}.html`, `data-metric="${c.metric}" data-kinds="feedback"`));
    await open(p);
    const group = p.getByRole('group', { name: c.question });
    assert.equal(await group.getByRole('radio').count(), c.count);
    // Arrow keys move within the group (native radio behaviour).
    await group.getByRole('radio').first().focus();
    await p.keyboard.press('ArrowRight');
    assert.equal(await group.getByRole('radio').nth(1).isChecked(), true);
    await group.getByRole('radio', { name: c.option, exact: true }).check();
    const text = `metric ${c.metric}`;
    await p.getByLabel(c.label).fill(text);
    await p.getByRole('button', { name: 'Send' }).click();
    await p.getByRole('heading', { name: 'Thank you!' }).waitFor();
    const [row] = rowOf(text);
    assert.equal(row.feedback_metric, c.metric);
    assert.equal(row.feedback_score, c.score);
    await ctx.close();
  }
});

test('category, name and email are stored; a bad email is caught next to its field', async () => {
  const ctx = await env.browser.newContext();
  const p = await ctx.newPage();
  await p.goto(page('/fields.html', 'data-kinds="feedback" data-email="required"'));
  await open(p);
  await p.getByRole('radio', { name: 'Neither satisfied nor dissatisfied' }).check();
  await p.getByLabel('What could we do better?').fill('fields test');
  await p.getByLabel('Topic').selectOption('idea');
  await p.getByLabel('Your name').fill('Ana Martin');
  await p.getByLabel('Your email').fill('ana@');
  await p.getByRole('button', { name: 'Send' }).click();
  const err = p.getByText('Please enter a valid email address, like name@example.com.', { exact: true });
  await err.waitFor();
  assert.equal(await p.getByLabel('Your email').getAttribute('aria-describedby'), await err.getAttribute('id'));
  await p.getByLabel('Your email').fill('ana@example.com');
  await p.getByRole('button', { name: 'Send' }).click();
  await p.getByRole('heading', { name: 'Thank you!' }).waitFor();
  const [row] = rowOf('fields test');
  assert.deepEqual([row.feedback_category, row.visitor_name, row.visitor_email], ['idea', 'Ana Martin', 'ana@example.com']);
  await ctx.close();
});

test('a low score offers a call and carries the message into the callback form', async () => {
  const ctx = await env.browser.newContext();
  const p = await ctx.newPage();
  await p.goto(page('/low.html'));
  await open(p);
  await p.getByRole('radio', { name: 'Very dissatisfied' }).check();
  await p.getByLabel('What went wrong?').fill('My order arrived broken.');
  await p.getByText('Would you like us to call you?').waitFor();
  await p.getByRole('button', { name: 'Yes, call me back' }).click();
  const tab = p.getByRole('tab', { name: 'Call me back' });
  await until(async () => (await tab.getAttribute('aria-selected')) === 'true', { what: 'callback tab' });
  assert.equal(await p.getByLabel('What is it about?').inputValue(), 'My order arrived broken.');
  await ctx.close();
});

test('a draft survives closing and reloading, and is cleared once sent; nothing is stored before typing', async () => {
  const ctx = await env.browser.newContext();
  const p = await ctx.newPage();
  const url = page('/draft.html', 'data-kinds="feedback"');
  const alloKeys = () => p.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('allo:')));
  await p.goto(url);
  await open(p);
  assert.deepEqual(await alloKeys(), [], 'opening the panel stores nothing');
  await p.getByRole('radio', { name: 'Satisfied', exact: true }).check();
  await p.getByLabel('What did we do well?').fill('half-written thought');
  await until(async () => (await alloKeys()).includes('allo:draft:feedback'), { what: 'draft saved' });
  await p.reload();
  await open(p);
  assert.equal(await p.getByRole('radio', { name: 'Satisfied', exact: true }).isChecked(), true);
  assert.equal(await p.getByLabel('What did we do well?').inputValue(), 'half-written thought');
  await p.getByRole('button', { name: 'Send' }).click();
  await p.getByRole('heading', { name: 'Thank you!' }).waitFor();
  await until(async () => !(await alloKeys()).includes('allo:draft:feedback'), { what: 'draft cleared' });
  assert.equal(rowOf('half-written thought').length, 1);
  await ctx.close();
});

test('a visitor who asks to be remembered is greeted by name; one who does not is not', async () => {
  const ctx = await env.browser.newContext();
  const p = await ctx.newPage();
  const url = page('/remember.html', 'data-kinds="feedback"');
  await p.goto(url);
  await open(p);
  await p.getByRole('radio', { name: 'Very satisfied' }).check();
  await p.getByLabel('Your name').fill('Camille');
  await p.getByLabel('Remember me on this device').check();
  await p.getByRole('button', { name: 'Send' }).click();
  await p.getByRole('heading', { name: 'Thank you!' }).waitFor();
  await p.reload();
  await open(p);
  await p.getByText('Welcome back, Camille!').waitFor();
  assert.equal(await p.getByLabel('Your name').inputValue(), 'Camille');
  // Unticking and sending forgets them.
  await p.getByRole('radio', { name: 'Satisfied', exact: true }).check();
  await p.getByLabel('Remember me on this device').uncheck();
  await p.getByRole('button', { name: 'Send' }).click();
  await p.getByRole('heading', { name: 'Thank you!' }).waitFor();
  await p.reload();
  await open(p);
  assert.equal(await p.getByText(/Welcome back/).count(), 0);
  assert.deepEqual(await p.evaluate(() => localStorage.getItem('allo:visitor')), null);
  await ctx.close();
});
