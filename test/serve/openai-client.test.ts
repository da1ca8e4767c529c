// The server against the official `openai` npm client: chat and completions, streaming and not, n > 1,
// logprobs, seeds, stop strings, errors surfaced as the client's typed errors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { llama2Tokenizer } from '../generate/fixtures.js';
import { startServer, type TestServer } from './helpers.js';

let s: TestServer;
let client: OpenAI;
const tok = llama2Tokenizer();

before(async () => {
  s = await startServer({ apiKey: 'sk-test-key' });
  client = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: 'sk-test-key', maxRetries: 0 });
});
after(() => s.close());

test('models.list names the served model', async () => {
  const models = await client.models.list();
  assert.deepEqual(models.data.map((m) => m.id), ['tiny-test']);
  const one = await client.models.retrieve('tiny-test');
  assert.equal(one.object, 'model');
  await assert.rejects(client.models.retrieve('gpt-4'), (e: unknown) => e instanceof OpenAI.NotFoundError);
});

test('chat completion (non-streaming): shape, usage, and the prompt is the Llama 2 chat template', async () => {
  const r = await client.chat.completions.create({
    model: 'tiny-test', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello!' }],
    max_tokens: 8, temperature: 0, seed: 1,
  });
  assert.equal(r.object, 'chat.completion');
  assert.match(r.id, /^chatcmpl-/);
  assert.equal(r.choices.length, 1);
  assert.equal(r.choices[0]!.message.role, 'assistant');
  assert.equal(typeof r.choices[0]!.message.content, 'string');
  assert.ok(['stop', 'length'].includes(r.choices[0]!.finish_reason));
  // Llama 2: BOS "[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHello! [/INST]"
  const prompt = [tok.bos, ...tok.encode('[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHello! [/INST]')];
  assert.equal(r.usage!.prompt_tokens, prompt.length);
  assert.ok(r.usage!.completion_tokens >= 1 && r.usage!.completion_tokens <= 8);
  assert.equal(r.usage!.total_tokens, r.usage!.prompt_tokens + r.usage!.completion_tokens);
});

test('chat streaming: the deltas concatenate to the non-streamed answer with the same seed', async () => {
  const req = { model: 'tiny-test', messages: [{ role: 'user' as const, content: 'Tell me a story.' }], max_tokens: 16, temperature: 0.9, seed: 42 };
  const whole = await client.chat.completions.create(req);
  const stream = await client.chat.completions.create({ ...req, stream: true, stream_options: { include_usage: true } });
  let text = '';
  let finish: string | null = null;
  let role: string | undefined;
  let usage = null;
  for await (const chunk of stream) {
    assert.equal(chunk.object, 'chat.completion.chunk');
    if (chunk.usage) usage = chunk.usage;
    const c = chunk.choices[0];
    if (!c) continue;
    role ??= c.delta.role;
    text += c.delta.content ?? '';
    if (c.finish_reason) finish = c.finish_reason;
  }
  assert.equal(role, 'assistant');
  assert.equal(text, whole.choices[0]!.message.content);
  assert.equal(finish, whole.choices[0]!.finish_reason);
  assert.deepEqual(usage, whole.usage);
});

test('n > 1: choices are indexed and differ; the same seed reproduces all of them', async () => {
  const req = { model: 'tiny-test', messages: [{ role: 'user' as const, content: 'Hi' }], max_tokens: 10, temperature: 1, seed: 7, n: 3 };
  const a = await client.chat.completions.create(req);
  const b = await client.chat.completions.create(req);
  assert.deepEqual(a.choices.map((c) => c.index), [0, 1, 2]);
  assert.deepEqual(a.choices.map((c) => c.message.content), b.choices.map((c) => c.message.content));
  assert.ok(new Set(a.choices.map((c) => c.message.content)).size > 1);
});

test('chat logprobs: one entry per token with top alternatives, sorted', async () => {
  const r = await client.chat.completions.create({
    model: 'tiny-test', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 5, temperature: 0, logprobs: true, top_logprobs: 3,
  });
  const lp = r.choices[0]!.logprobs!.content!;
  assert.equal(lp.length, r.usage!.completion_tokens);
  for (const t of lp) {
    assert.ok(t.logprob <= 0);
    assert.equal(t.top_logprobs.length, 3);
    // Greedy: the chosen token is the most likely one.
    assert.equal(t.top_logprobs[0]!.logprob, t.logprob);
    assert.ok(t.top_logprobs[0]!.logprob >= t.top_logprobs[1]!.logprob);
  }
});

test('completions: string prompt, streaming equals non-streaming, stop string cut', async () => {
  const req = { model: 'tiny-test', prompt: 'Once upon a time', max_tokens: 24, temperature: 0 };
  const whole = await client.completions.create(req);
  assert.equal(whole.object, 'text_completion');
  assert.equal(whole.usage!.prompt_tokens, tok.encode('Once upon a time', { bos: true }).length);
  const text = whole.choices[0]!.text;
  let streamed = '';
  for await (const chunk of await client.completions.create({ ...req, stream: true })) streamed += chunk.choices[0]?.text ?? '';
  assert.equal(streamed, text);
  assert.ok(text.length > 6, `need text to cut: ${JSON.stringify(text)}`);
  const stop = text.slice(3, 6);
  const cut = await client.completions.create({ ...req, stop: [stop] });
  assert.equal(cut.choices[0]!.text, text.slice(0, text.indexOf(stop)));
  assert.equal(cut.choices[0]!.finish_reason, 'stop');
});

test('completions: token-id prompts and several prompts in one request', async () => {
  const ids = tok.encode('The cat', { bos: true });
  const r = await client.completions.create({ model: 'tiny-test', prompt: [ids, tok.encode('A dog', { bos: true })], max_tokens: 4, temperature: 0, n: 2 });
  assert.deepEqual(r.choices.map((c) => c.index), [0, 1, 2, 3]);
  const single = await client.completions.create({ model: 'tiny-test', prompt: ids, max_tokens: 4, temperature: 0 });
  assert.equal(r.choices[0]!.text, single.choices[0]!.text);
  assert.equal(r.choices[1]!.text, single.choices[0]!.text); // greedy: both samples agree
  const lp = await client.completions.create({ model: 'tiny-test', prompt: ids, max_tokens: 3, temperature: 0, logprobs: 2 });
  assert.equal(lp.choices[0]!.logprobs!.tokens!.length, 3);
  assert.equal(Object.keys(lp.choices[0]!.logprobs!.top_logprobs![0]!).length <= 2, true);
});

test('errors arrive as the client\'s typed errors with our message', async () => {
  const bad = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: 'wrong', maxRetries: 0 });
  await assert.rejects(bad.models.list(), (e: unknown) => e instanceof OpenAI.AuthenticationError && e.status === 401);
  await assert.rejects(
    client.chat.completions.create({ model: 'tiny-test', messages: [{ role: 'user', content: 'x' }], temperature: 5 }),
    (e: unknown) => e instanceof OpenAI.BadRequestError && /temperature/.test(e.message) && e.param === 'temperature',
  );
  await assert.rejects(
    client.chat.completions.create({ model: 'tiny-test', messages: [{ role: 'user', content: 'x' }], max_tokens: 100000 }),
    (e: unknown) => e instanceof OpenAI.BadRequestError && e.param === 'max_tokens',
  );
});
