// Hostile and unlucky requests over raw HTTP: every one gets a clear 4xx/5xx in the OpenAI error format, and the
// limits (body size, queue bound, timeout, disconnects, shutdown, API key, loopback bind, CORS) hold.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { http, post, startServer, type TestServer } from './helpers.js';

let s: TestServer;
const chat = (extra: object = {}) => ({ messages: [{ role: 'user', content: 'Hello' }], max_tokens: 4, ...extra });

before(async () => {
  s = await startServer({ apiKey: 'k1', maxBodyBytes: 4096 });
});
after(() => s.close());

const auth = { Authorization: 'Bearer k1' };

function assertError(r: { status: number; body: any }, status: number, param?: string | null, code?: string) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(typeof r.body?.error?.message, 'string');
  assert.ok(r.body.error.message.length > 10);
  assert.ok('type' in r.body.error && 'param' in r.body.error && 'code' in r.body.error);
  if (param !== undefined) assert.equal(r.body.error.param, param);
  if (code !== undefined) assert.equal(r.body.error.code, code);
}

test('API key: missing or wrong → 401; /health and the page need none', async () => {
  assertError(await post(`${s.url}/v1/chat/completions`, chat()), 401, null, 'invalid_api_key');
  assertError(await post(`${s.url}/v1/chat/completions`, chat(), { Authorization: 'Bearer k2' }), 401, null, 'invalid_api_key');
  assertError(await http(`${s.url}/v1/models`, { headers: { Authorization: 'k1' } }), 401);
  assert.equal((await http(`${s.url}/v1/models`, { headers: auth })).status, 200);
  assert.equal((await http(`${s.url}/health`)).body.status, 'ok');
  const page = await http(`${s.url}/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type')!, /text\/html/);
  assert.match(page.headers.get('content-security-policy')!, /default-src 'self'/);
});

test('body too large → 413, by Content-Length and while streaming in', async () => {
  const big = JSON.stringify(chat({ user: 'x'.repeat(5000) }));
  assertError(await post(`${s.url}/v1/chat/completions`, big, auth), 413, null, 'request_too_large');
  // Chunked upload with no Content-Length: counted while reading.
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(`${s.url}/v1/chat/completions`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' } }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    for (let i = 0; i < 10; i++) req.write('x'.repeat(1000));
    req.end();
  });
  assert.equal(status, 413);
});

test('malformed bodies → 400 naming the problem', async () => {
  const u = `${s.url}/v1/chat/completions`;
  assertError(await post(u, '{"messages": [', auth), 400, null, 'invalid_json');
  assertError(await post(u, '[1, 2]', auth), 400);
  assertError(await post(u, { messages: 'hi' }, auth), 400, 'messages');
  assertError(await post(u, chat({ temperature: 'hot' }), auth), 400, 'temperature');
  assertError(await post(u, { messages: [{ role: 'wizard', content: 'x' }] }, auth), 400, 'messages[0].role');
  assertError(await post(u, chat({ max_token: 5 }), auth), 400, 'max_token', 'unknown_parameter');
  assertError(await post(u, chat({ tools: [] }), auth), 400, 'tools', 'unknown_parameter');
  assertError(await post(u, chat({ n: 1000 }), auth), 400, 'n');
  assertError(await post(u, chat({ logit_bias: { '99999999': 5 } }), auth), 400, 'logit_bias');
  assertError(await post(u, chat({ stop: [''] }), auth), 400, 'stop[0]');
  assertError(await post(`${s.url}/v1/completions`, { prompt: [1, -2] }, auth), 400);
  assertError(await post(`${s.url}/v1/completions`, { prompt: 'x', echo: true }, auth), 400, 'echo');
  const r = await fetch(u, { method: 'POST', headers: { ...auth, 'Content-Type': 'text/plain' }, body: JSON.stringify(chat()) });
  assertError({ status: r.status, body: await r.json() }, 415);
  // Llama 2 roles must alternate: the template's own check becomes a 400.
  assertError(await post(u, { messages: [{ role: 'assistant', content: 'x' }] }, auth), 400, 'messages');
});

test('a prompt longer than the context window → 400 context_length_exceeded', async () => {
  const long = 'word '.repeat(400);
  assertError(await post(`${s.url}/v1/completions`, { prompt: long, max_tokens: 4 }, auth), 400, 'prompt', 'context_length_exceeded');
});

test('a request whose KV cache alone exceeds the server\'s KV memory → 400 with the numbers', async () => {
  // One cache of up to 256 positions of the tiny model is 64 KiB.
  const t = await startServer({ maxKvBytes: 64 * 1024 });
  try {
    const r = await post(`${t.url}/v1/chat/completions`, chat({ n: 2 }));
    assertError(r, 400, 'max_tokens');
    assert.match(r.body.error.message, /KV cache/);
    assert.equal((await post(`${t.url}/v1/chat/completions`, chat())).status, 200);
  } finally {
    await t.close();
  }
});

test('unknown routes → 404, wrong methods → 405', async () => {
  assertError(await http(`${s.url}/v1/nothing`, { headers: auth }), 404);
  assertError(await http(`${s.url}/etc/passwd`), 404);
  assertError(await http(`${s.url}/v1/chat/completions`, { headers: auth }), 405);
  assertError(await post(`${s.url}/health`, {}), 405);
});

test('binds 127.0.0.1 by default; no CORS headers unless asked for', async () => {
  assert.match(s.url, /^http:\/\/127\.0\.0\.1:/);
  const r = await http(`${s.url}/v1/models`, { headers: { ...auth, Origin: 'http://evil.example' } });
  assert.equal(r.headers.get('access-control-allow-origin'), null);
  const c = await startServer({ cors: true });
  try {
    const pre = await http(`${c.url}/v1/chat/completions`, { method: 'OPTIONS' });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), '*');
  } finally {
    await c.close();
  }
});

/** Opens a streaming chat request and resolves once its first chunk has arrived. */
async function openStream(url: string, headers: Record<string, string>, maxTokens = 200) {
  const ac = new AbortController();
  const r = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST', signal: ac.signal, headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'Go on' }], max_tokens: maxTokens, stream: true, temperature: 1 }),
  });
  assert.equal(r.status, 200);
  const reader = r.body!.getReader();
  await reader.read();
  return { ac, reader };
}

test('beyond running + queued capacity → 429; a disconnect cancels generation and frees the slot', async () => {
  const t = await startServer({ maxBatch: 1, maxQueue: 1 }, undefined, 512);
  try {
    const a = await openStream(t.url, {}, 400);
    // Second request queues (it cannot start while the first runs), third is refused.
    const queued = fetch(`${t.url}/v1/chat/completions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(chat({ max_tokens: 2 })) });
    await waitFor(() => t.server.engine.load.waiting === 1);
    assertError(await post(`${t.url}/v1/chat/completions`, chat()), 429, null, 'rate_limit_exceeded');
    // Client A goes away: its generation stops, the queued request runs and completes.
    const before = t.server.engine.generatedTokens;
    a.ac.abort();
    const done = await queued;
    assert.equal(done.status, 200);
    await waitFor(() => t.server.engine.load.running === 0 && t.server.engine.load.waiting === 0);
    const after = t.server.engine.generatedTokens;
    assert.ok(after - before < 50, `generation went on after the disconnect: ${after - before} tokens`);
  } finally {
    await t.close();
  }
});

test('the per-request time limit ends a long generation with 504', async () => {
  const t = await startServer({ requestTimeoutMs: 150 }, undefined, 512);
  try {
    assertError(await post(`${t.url}/v1/completions`, { prompt: 'x', max_tokens: 450, temperature: 1, stop: [] }), 504, null, 'timeout');
    await waitFor(() => t.server.engine.load.running === 0);
  } finally {
    await t.close();
  }
});

test('shutting down: new requests get 503, a stream in flight ends with an error event', async () => {
  const t = await startServer({}, undefined, 512);
  const a = await openStream(t.url, {}, 450);
  const closing = t.server.close(300);
  assertError(await post(`${t.url}/v1/chat/completions`, chat()), 503, null, 'shutting_down');
  let rest = '';
  const dec = new TextDecoder();
  for (;;) {
    const { value, done } = await a.reader.read();
    if (done) break;
    rest += dec.decode(value);
  }
  await closing;
  assert.match(rest, /"code":"shutting_down"/);
  assert.match(rest, /data: \[DONE\]\n\n$/);
});

async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting for a condition');
    await new Promise((r) => setTimeout(r, 10));
  }
}
