// Load: 64 concurrent streaming clients over loopback, each must get its whole answer ([DONE], usage, no error
// event), and the engine must have decoded them together (continuous batching), not one after another.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from './helpers.js';

let s: TestServer;
before(async () => {
  s = await startServer({ maxBatch: 64, maxQueue: 0 }, undefined, 256);
});
after(() => s.close());

async function client(url: string, i: number): Promise<{ tokens: number; text: string; done: boolean; errors: string[] }> {
  const r = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ messages: [{ role: 'user', content: `Client ${i} says hello` }], stream: true, max_tokens: 48, temperature: 1, seed: i, stream_options: { include_usage: true } }),
  });
  const errors: string[] = [];
  if (r.status !== 200) return { tokens: 0, text: '', done: false, errors: [`HTTP ${r.status}: ${await r.text()}`] };
  const body = await r.text();
  let text = '';
  let tokens = 0;
  let done = false;
  for (const event of body.split('\n\n')) {
    if (!event.startsWith('data: ')) continue;
    const data = event.slice(6);
    if (data === '[DONE]') { done = true; continue; }
    const j = JSON.parse(data);
    if (j.error) errors.push(j.error.message);
    if (j.usage) tokens = j.usage.completion_tokens;
    text += j.choices?.[0]?.delta?.content ?? '';
  }
  return { tokens, text, done, errors };
}

test('64 concurrent streaming clients: all complete without errors, decoded in one shared batch', async () => {
  const results = await Promise.all(Array.from({ length: 64 }, (_, i) => client(s.url, i)));
  assert.deepEqual(results.flatMap((r) => r.errors), []);
  assert.ok(results.every((r) => r.done), 'every stream ended with [DONE]');
  assert.ok(results.every((r) => r.tokens >= 1 && r.tokens <= 48));
  assert.equal(s.server.engine.generatedTokens, results.reduce((a, r) => a + r.tokens, 0));
  assert.ok(s.server.engine.peakBatch >= 32, `peak batch ${s.server.engine.peakBatch}: the clients were decoded together`);
  // Different seeds, different answers (the batch did not mix up sequences: each answer is its seed's, see the
  // generate tests for batched = single-sequence equality).
  assert.ok(new Set(results.map((r) => r.text)).size > 32);
  // The 65th concurrent request would have been refused (maxQueue 0) — and after the load, the server is idle.
  assert.deepEqual(s.server.engine.load, { running: 0, waiting: 0 });
});
