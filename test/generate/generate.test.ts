// generate() and generateBatch() on a tiny random model with the real Llama 2 tokenizer, against oracles:
// greedy = argmax of the Decoder's logits step by step; sampling = the sampler fed the same logits with the same
// seed; batched samples = single-sequence runs with the same seeds; stop strings cut exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generate } from '../../src/generate/generate.js';
import { generateBatch } from '../../src/generate/batch.js';
import { PromptCache } from '../../src/generate/prompt-cache.js';
import { Sampler, argmax } from '../../src/generate/sampler.js';
import { TokenHistory } from '../../src/generate/history.js';
import { generateOptions } from '../../src/generate/options.js';
import type { TokenStep } from '../../src/generate/sequence.js';
import { KVCache } from '../../src/model/inference.js';
import { Rng } from '../../src/util/rng.js';
import { llama2Tokenizer, tinyDecoder } from './fixtures.js';

const tok = llama2Tokenizer();
const decoder = tinyDecoder(tok.vocabSize, 7, { maxSeqLen: 96, sharpen: 40 });
const prompt = tok.encode('Once upon a time', { bos: true });

async function collect(it: AsyncIterable<TokenStep>): Promise<TokenStep[]> {
  const steps: TokenStep[] = [];
  for await (const s of it) steps.push(s);
  return steps;
}

test('greedy generation is the argmax of the Decoder logits, step by step', async () => {
  const steps = await collect(generate(decoder, tok, prompt, { temperature: 0, maxTokens: 12, stopIds: [] }));
  const cache = new KVCache(decoder.config);
  let logits = decoder.forward(prompt, cache);
  const want: number[] = [];
  for (let i = 0; i < 12; i++) {
    const t = argmax(logits);
    want.push(t);
    logits = decoder.forward([t], cache);
  }
  assert.deepEqual(steps.map((s) => s.token), want);
  assert.equal(steps.at(-1)!.finishReason, 'length');
  assert.equal(steps.map((s) => s.text).join(''), continuation(prompt, want));
});

/** The text the tokens add to the prompt's text (SentencePiece keeps the space of a piece that continues it). */
function continuation(p: number[], ids: number[]): string {
  const before = tok.decode(p);
  const all = tok.decode([...p, ...ids]);
  assert.ok(all.startsWith(before));
  return all.slice(before.length);
}

test('a continuation keeps the leading space of its first piece; freshText renders the answer on its own', async () => {
  // Force a first token that starts with "▁" after a text prompt.
  const space = tok.pieceToId('▁world')!;
  const opts = { temperature: 0, maxTokens: 1, stopIds: [], logitBias: new Map([[space, 100]]) };
  const cont = await collect(generate(decoder, tok, prompt, opts));
  assert.equal(cont[0]!.text, ' world');
  const fresh = await collect(generate(decoder, tok, prompt, { ...opts, freshText: true }));
  assert.equal(fresh[0]!.text, 'world');
  // Right after BOS a piece starts the text: no space either way (llama2.c).
  const afterBos = await collect(generate(decoder, tok, [tok.bos], opts));
  assert.equal(afterBos[0]!.text, 'world');
});

test('seeded sampling: the same seed reproduces the output, and it is the sampler fed the same logits', async () => {
  const opts = { temperature: 1, topP: 0.95, topK: 50, maxTokens: 10, seed: 1234, stopIds: [] };
  const a = (await collect(generate(decoder, tok, prompt, opts))).map((s) => s.token);
  const b = (await collect(generate(decoder, tok, prompt, opts))).map((s) => s.token);
  const c = (await collect(generate(decoder, tok, prompt, { ...opts, seed: 99 }))).map((s) => s.token);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  // Oracle loop: same logits, same sampler, same Rng.
  const o = generateOptions(opts);
  const sampler = new Sampler(o, tok.vocabSize);
  const rng = new Rng(o.seed);
  const history = new TokenHistory(prompt, o.repeatLastN);
  const cache = new KVCache(decoder.config);
  let logits = decoder.forward(prompt, cache);
  const want: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = sampler.sample(logits, history, rng);
    history.push(t);
    want.push(t);
    logits = decoder.forward([t], cache);
  }
  assert.deepEqual(a, want);
});

test('logprobs are the log-softmax of the raw logits at each step', async () => {
  const steps = await collect(generate(decoder, tok, prompt, { temperature: 0.8, maxTokens: 4, seed: 3, topLogprobs: 3, stopIds: [] }));
  const cache = new KVCache(decoder.config);
  let logits = decoder.forward(prompt, cache);
  for (const s of steps) {
    let max = -Infinity;
    for (const l of logits) max = Math.max(max, l);
    let z = 0;
    for (const l of logits) z += Math.exp(l - max);
    const lp = logits[s.token]! - max - Math.log(z);
    assert.ok(Math.abs(s.logprob - lp) < 1e-9, `${s.logprob} vs ${lp}`);
    assert.equal(s.top!.length, 3);
    assert.equal(s.top![0]!.token, argmax(logits));
    assert.ok(s.top![0]!.logprob >= s.top![1]!.logprob && s.top![1]!.logprob >= s.top![2]!.logprob);
    logits = decoder.forward([s.token], cache);
  }
});

test('a stop string cuts the text exactly before its first occurrence', async () => {
  const full = await collect(generate(decoder, tok, prompt, { temperature: 0, maxTokens: 20, stopIds: [] }));
  const text = full.map((s) => s.text).join('');
  assert.ok(text.length >= 8, `need some text to cut, got ${JSON.stringify(text)}`);
  const stop = text.slice(Math.floor(text.length / 2), Math.floor(text.length / 2) + 3);
  const cut = await collect(generate(decoder, tok, prompt, { temperature: 0, maxTokens: 20, stopIds: [], stop: [stop] }));
  assert.equal(cut.map((s) => s.text).join(''), text.slice(0, text.indexOf(stop)));
  assert.equal(cut.at(-1)!.finishReason, 'stop');
});

test('a stop id ends generation at that token, which adds no text', async () => {
  const full = await collect(generate(decoder, tok, prompt, { temperature: 0, maxTokens: 10, stopIds: [] }));
  const target = full[4]!.token;
  const first = full.findIndex((s) => s.token === target);
  const cut = await collect(generate(decoder, tok, prompt, { temperature: 0, maxTokens: 10, stopIds: [target] }));
  assert.equal(cut.length, first + 1);
  assert.equal(cut.at(-1)!.finishReason, 'stop');
  assert.equal(cut.map((s) => s.text).join(''), continuation(prompt, full.slice(0, first).map((s) => s.token)));
});

test('the context window ends generation with finish "length"', async () => {
  const steps = await collect(generate(decoder, tok, prompt, { temperature: 0, maxTokens: 1000, stopIds: [] }));
  assert.equal(steps.length, decoder.config.maxSeqLen - prompt.length);
  assert.equal(steps.at(-1)!.finishReason, 'length');
  await assert.rejects(collect(generate(decoder, tok, new Array(96).fill(5), {})), /context window/);
});

test('an AbortSignal stops generation between tokens', async () => {
  const ac = new AbortController();
  const seen: number[] = [];
  await assert.rejects(async () => {
    for await (const s of generate(decoder, tok, prompt, { temperature: 0, maxTokens: 50, stopIds: [] }, { signal: ac.signal })) {
      seen.push(s.token);
      if (seen.length === 3) ac.abort();
    }
  }, { name: 'AbortError' });
  assert.equal(seen.length, 3);
});

test('a PromptCache reuses the shared prefix of the next prompt and gives the same tokens as a fresh cache', async () => {
  const cache = new PromptCache(decoder.config, decoder.config.maxSeqLen);
  const first = await collect(generate(decoder, tok, prompt, { temperature: 0, maxTokens: 5, stopIds: [] }, { cache }));
  const next = [...prompt, ...first.map((s) => s.token), ...tok.encode(' and then')];
  assert.equal(cache.reusable(next), prompt.length + 4); // the last generated token was never run
  const reused = await collect(generate(decoder, tok, next, { temperature: 0, maxTokens: 6, stopIds: [] }, { cache }));
  const fresh = await collect(generate(decoder, tok, next, { temperature: 0, maxTokens: 6, stopIds: [] }));
  assert.deepEqual(reused.map((s) => s.token), fresh.map((s) => s.token));
});

test('generateBatch: K samples per prompt equal single-sequence runs with the same seeds', async () => {
  const p2 = tok.encode('The little dog', { bos: true });
  const opts = { temperature: 1, topP: 0.9, maxTokens: 8, seed: 500, stopIds: [] };
  // 13 rows: beyond the native GEMV path's 8, so the batch runs the GEMM path while single runs take GEMV — their
  // roundings differ in the last bits (hence the log-prob tolerance), not enough to change a sample here.
  const batch = generateBatch(decoder, tok, [{ prompt, n: 10 }, { prompt: p2, n: 3 }], opts);
  assert.deepEqual(batch.map((b) => b.map((s) => s.seed)), [[500, 501, 502, 503, 504, 505, 506, 507, 508, 509], [510, 511, 512]]);
  for (const [i, p] of [prompt, p2].entries()) {
    for (const s of batch[i]!) {
      const single = await collect(generate(decoder, tok, p, { ...opts, seed: s.seed }, { logprobs: true }));
      assert.deepEqual(s.tokens, single.map((x) => x.token), `prompt ${i} seed ${s.seed}`);
      assert.equal(s.text, single.map((x) => x.text).join(''));
      assert.equal(s.finishReason, 'length');
      s.logprobs.forEach((lp, j) => assert.ok(Math.abs(lp - single[j]!.logprob) < 1e-4, `logprob ${j}: ${lp} vs ${single[j]!.logprob}`));
    }
  }
  // Different seeds give different samples of one prompt.
  assert.notDeepEqual(batch[0]![0]!.tokens, batch[0]![1]!.tokens);
});

test('generateBatch splits more samples than one batch holds and still numbers the seeds in order', () => {
  const out = generateBatch(decoder, tok, [{ prompt, n: 5 }], { temperature: 1, maxTokens: 3, seed: 10, stopIds: [] }, { maxBatch: 2 });
  assert.deepEqual(out[0]!.map((s) => s.seed), [10, 11, 12, 13, 14]);
  const again = generateBatch(decoder, tok, [{ prompt, n: 5 }], { temperature: 1, maxTokens: 3, seed: 10, stopIds: [] });
  assert.deepEqual(out[0]!.map((s) => s.tokens), again[0]!.map((s) => s.tokens));
});
