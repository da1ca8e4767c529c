// The web chat page end to end in real headless Chromium (playwright-core driving Debian's /usr/bin/chromium,
// installed by .ci/run): type, see the answer stream in, keep multi-turn history, stop, start a new chat.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startServer, type TestServer } from './helpers.js';

// The callbacks passed to page.evaluate / waitForFunction run in the browser; this file is compiled without the
// DOM library, so the few browser globals they use are declared here.
declare const window: { updates: number };
declare const document: { getElementById(id: string): BrowserElement; querySelectorAll(selector: string): ArrayLike<BrowserElement> };
declare const MutationObserver: new (cb: (records: Array<{ target: BrowserNode }>) => void) => { observe(target: BrowserElement, o: object): void };
interface BrowserNode { parentElement: BrowserElement | null }
interface BrowserElement extends BrowserNode { textContent: string | null; classList: { contains(c: string): boolean }; closest?(selector: string): BrowserElement | null }

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (CI installs Debian's chromium; set CHROMIUM_PATH to use another)`;

let s: TestServer;
let context: BrowserContext;
let page: Page;
let profile: string;
/** Every URL the page asked for (all must be this server: no CDN). */
const urls: string[] = [];
/** Bodies of the chat requests the page made, in order. */
const requests: Array<{ messages: Array<{ role: string; content: string }>; stream: boolean; temperature: number; top_p: number }> = [];

before(async () => {
  if (skip) return;
  s = await startServer({}, undefined, 1024);
  profile = mkdtempSync(join(tmpdir(), 'llamats-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('request', (r) => {
    urls.push(r.url());
    if (r.url().endsWith('/v1/chat/completions')) requests.push(JSON.parse(r.postData()!));
  });
  await page.goto(s.url);
});

after(async () => {
  if (skip) return;
  await context?.close();
  await s?.close();
  rmSync(profile, { recursive: true, force: true });
});

/** Counts text updates of assistant bubbles (to see streaming happen, not just a final answer). */
async function watchUpdates(): Promise<void> {
  await page.evaluate(() => {
    window.updates = 0;
    new MutationObserver((records) => {
      for (const r of records) if ((r.target as BrowserElement).closest?.('.assistant') || r.target.parentElement?.closest?.('.assistant')) window.updates++;
    }).observe(document.getElementById('messages'), { subtree: true, childList: true, characterData: true });
  });
}

async function sendAndWait(text: string): Promise<string> {
  const n = await page.locator('.message.assistant').count();
  await page.fill('#input', text);
  await page.press('#input', 'Enter');
  const bubble = page.locator('.message.assistant').nth(n);
  await bubble.waitFor();
  await page.waitForFunction((i) => !document.querySelectorAll('.message.assistant')[i]!.classList.contains('streaming'), n, { timeout: 60_000 });
  return (await bubble.textContent()) ?? '';
}

test('the page loads locally and shows the model', { skip }, async () => {
  await page.waitForFunction(() => document.getElementById('model').textContent === 'tiny-test');
  assert.equal(await page.title(), 'llamats chat');
  assert.deepEqual(new Set(urls.map((u) => new URL(u).pathname)), new Set(['/', '/style.css', '/app.js', '/v1/models']));
  assert.ok(urls.every((u) => u.startsWith(s.url)), urls.join(' '));
});

test('a message streams an answer, and the next turn carries the whole history', { skip }, async () => {
  await page.fill('#system', 'You are terse.');
  await page.fill('#max-tokens', '24');
  await page.locator('#temperature').fill('0.8');
  await watchUpdates();
  const first = await sendAndWait('Hello there');
  assert.ok(first.length > 0, 'an answer appeared');
  const updates = await page.evaluate(() => window.updates);
  assert.ok(updates >= 3, `the answer arrived in ${updates} updates; streaming shows it token by token`);
  assert.equal(requests.length, 1);
  assert.equal(requests[0]!.stream, true);
  assert.equal(requests[0]!.temperature, 0.8);
  assert.equal(requests[0]!.top_p, 0.9);
  assert.deepEqual(requests[0]!.messages, [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Hello there' }]);

  const second = await sendAndWait('And then?');
  assert.ok(second.length > 0);
  assert.deepEqual(requests[1]!.messages, [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Hello there' },
    { role: 'assistant', content: first },
    { role: 'user', content: 'And then?' },
  ]);
  assert.deepEqual(await page.locator('.message.user').allTextContents(), ['Hello there', 'And then?']);
});

test('Stop ends the stream and the server stops generating; New chat clears the history', { skip }, async () => {
  await page.fill('#max-tokens', '900');
  const before = await page.locator('.message.assistant').count();
  await page.fill('#input', 'Write a long story');
  await page.press('#input', 'Enter');
  const bubble = page.locator('.message.assistant').nth(before);
  await page.waitForFunction((i) => (document.querySelectorAll('.message.assistant')[i]?.textContent ?? '').length > 5, before);
  await page.click('#stop');
  await page.waitForFunction(() => document.getElementById('status').textContent === 'Stopped.');
  assert.equal(await bubble.evaluate((e) => e.classList.contains('streaming')), false);
  const end = Date.now() + 5000;
  while (s.server.engine.load.running > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  assert.equal(s.server.engine.load.running, 0, 'the server stopped generating for the aborted request');

  await page.click('#new-chat');
  assert.equal(await page.locator('.message').count(), 0);
  await page.fill('#max-tokens', '8');
  await sendAndWait('Fresh start');
  assert.deepEqual(requests.at(-1)!.messages, [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Fresh start' }]);
});
