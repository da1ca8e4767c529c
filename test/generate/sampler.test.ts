// Sampler tests against hand-computed distributions (Meta's top-p rule, CTRL / OpenAI penalty formulas) and a
// brute-force reference of top-p (full sort) for the llama2.c pruning bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sampler, draw } from '../../src/generate/sampler.js';
import { TokenHistory } from '../../src/generate/history.js';
import { defaultSampling, generateOptions, type SamplingOptions } from '../../src/generate/options.js';
import { Rng } from '../../src/util/rng.js';
import { ConfigError } from '../../src/util/errors.js';

const off: SamplingOptions = { ...defaultSampling, temperature: 1, topP: 1, topK: 0, minP: 0 };
const logitsOf = (probs: number[]) => Float32Array.from(probs, Math.log);
const noHistory = new TokenHistory([], 0);

/** The prepared distribution as id → probability. */
function dist(opts: Partial<SamplingOptions>, logits: Float32Array, history = noHistory): Map<number, number> {
  const c = new Sampler({ ...off, ...opts }, logits.length).prepare(logits, history);
  const m = new Map<number, number>();
  for (let i = 0; i < c.n; i++) m.set(c.ids[i]!, c.probs[i]!);
  return m;
}

function assertDist(got: Map<number, number>, want: Record<number, number>, tol = 1e-6): void {
  assert.deepEqual([...got.keys()].sort((a, b) => a - b), Object.keys(want).map(Number).sort((a, b) => a - b));
  for (const [id, p] of Object.entries(want)) assert.ok(Math.abs(got.get(Number(id))! - p) < tol, `p(${id}) = ${got.get(Number(id))}, want ${p}`);
}

test('the defaults are the Llama releases\' (recipe §3): temperature 0.6, top-p 0.9', () => {
  assert.equal(defaultSampling.temperature, 0.6);
  assert.equal(defaultSampling.topP, 0.9);
});

test('temperature 1 with nothing else is the softmax of the logits', () => {
  assertDist(dist({}, logitsOf([0.5, 0.3, 0.15, 0.05])), { 0: 0.5, 1: 0.3, 2: 0.15, 3: 0.05 });
});

test('temperature T gives p_i^(1/T) renormalised', () => {
  const p = [0.5, 0.3, 0.2];
  const q = p.map((x) => x ** 2);
  const z = q.reduce((a, b) => a + b);
  assertDist(dist({ temperature: 0.5 }, logitsOf(p)), { 0: q[0]! / z, 1: q[1]! / z, 2: q[2]! / z });
});

test('temperature 0 is greedy: the argmax, lowest id on ties, no randomness used', () => {
  const logits = Float32Array.from([1, 5, 3, 5]);
  const s = new Sampler({ ...off, temperature: 0 }, 4);
  assertDist(dist({ temperature: 0 }, logits), { 1: 1 });
  const rng = new Rng(1);
  const before = rng.getState();
  assert.equal(s.sample(logits, noHistory, rng), 1);
  assert.deepEqual(rng.getState(), before);
});

test('top-k keeps the k most likely tokens, renormalised', () => {
  assertDist(dist({ topK: 2 }, logitsOf([0.1, 0.4, 0.2, 0.3])), { 1: 0.4 / 0.7, 3: 0.3 / 0.7 });
});

test('top-p follows Meta: drop tokens whose preceding cumulative mass exceeds p', () => {
  const l = logitsOf([0.15, 0.5, 0.05, 0.3]);
  // Sorted: 0.5 (before 0), 0.3 (before 0.5), 0.15 (before 0.8), 0.05 (before 0.95).
  assertDist(dist({ topP: 0.7 }, l), { 1: 0.5 / 0.8, 3: 0.3 / 0.8 });
  assertDist(dist({ topP: 0.85 }, l), { 1: 0.5 / 0.95, 3: 0.3 / 0.95, 0: 0.15 / 0.95 });
  assertDist(dist({ topP: 0.4 }, l), { 1: 1 }); // the top token always survives
  assertDist(dist({ topP: 0.96 }, l), { 1: 0.5, 3: 0.3, 0: 0.15, 2: 0.05 });
});

test('temperature applies before top-p (Meta: softmax(logits / T), then sample_top_p)', () => {
  const p = [0.6, 0.3, 0.1];
  // T = 1, top-p 0.5: the mass before the second token is 0.6 > 0.5, so only the top token is left.
  assertDist(dist({ topP: 0.5 }, logitsOf(p)), { 0: 1 });
  // T = 2: probabilities ∝ sqrt(p) = 0.7746, 0.5477, 0.3162 → 0.4727, 0.3343, 0.1930; the mass before the
  // second token is 0.4727 ≤ 0.5, before the third 0.807 > 0.5: two survive, renormalised.
  const s = p.map(Math.sqrt);
  assertDist(dist({ topP: 0.5, temperature: 2 }, logitsOf(p)), { 0: s[0]! / (s[0]! + s[1]!), 1: s[1]! / (s[0]! + s[1]!) });
});

test('top-p without a full sort keeps exactly what a brute-force full sort keeps', () => {
  const rng = new Rng(5);
  for (let trial = 0; trial < 206; trial++) {
    // Mostly small vocabularies of any sharpness; the last six are 20K-token, nearly flat ones (random-init
    // models), where most tokens share a histogram bucket and the crossing bucket is large.
    const V = trial < 200 ? 1 + rng.int(300) : 20000;
    const sharp = trial < 200 ? rng.uniform() * 6 : 0.05 + 0.1 * (trial - 200);
    const logits = Float32Array.from({ length: V }, () => rng.normal() * sharp);
    const p = [0.1, 0.5, 0.9, 0.99, 0.999][trial % 5]!;
    // Reference: softmax, stable sort by prob desc then id, Meta's mask, renormalise.
    const max = Math.max(...logits);
    const e = Array.from(logits, (l) => Math.exp(l - max));
    const z = e.reduce((a, b) => a + b);
    const order = e.map((x, i) => ({ i, q: x / z })).sort((a, b) => b.q - a.q || a.i - b.i);
    const kept: Record<number, number> = {};
    let before = 0;
    let mass = 0;
    for (const o of order) {
      if (before > p) break;
      kept[o.i] = o.q;
      mass += o.q;
      before += o.q;
    }
    for (const k of Object.keys(kept)) kept[Number(k)]! /= mass;
    assertDist(dist({ topP: p }, logits), kept, 1e-5);
  }
});

test('min-p keeps tokens with p ≥ minP · p_max', () => {
  assertDist(dist({ minP: 0.2 }, logitsOf([0.5, 0.3, 0.15, 0.05])), { 0: 0.5 / 0.95, 1: 0.3 / 0.95, 2: 0.15 / 0.95 });
  assertDist(dist({ minP: 0.7 }, logitsOf([0.5, 0.3, 0.15, 0.05])), { 0: 1 });
});

test('top-k, then top-p on the renormalised survivors, then min-p (HF order)', () => {
  // top-k 3: 0.4, 0.3, 0.2 → renormalised 0.444, 0.333, 0.222; top-p 0.7: before the third is 0.778 > 0.7 → two left
  // (0.571, 0.429); min-p 0.8: 0.429 ≥ 0.8·0.571 = 0.457? no → only the top token.
  const l = logitsOf([0.4, 0.3, 0.2, 0.1]);
  assertDist(dist({ topK: 3, topP: 0.7 }, l), { 0: 4 / 7, 1: 3 / 7 });
  assertDist(dist({ topK: 3, topP: 0.7, minP: 0.8 }, l), { 0: 1 });
  assertDist(dist({ topK: 3, topP: 0.7, minP: 0.7 }, l), { 0: 4 / 7, 1: 3 / 7 });
});

test('repetition penalty: positive logits divided, negative multiplied, for tokens in the last n', () => {
  const logits = Float32Array.from([2, -2, 1, 0.5]);
  const h = new TokenHistory([0, 1, 0], 64);
  const s = new Sampler({ ...off, temperature: 0, repeatPenalty: 2 }, 4);
  // Penalised: 0 → 1, 1 → −4; token 2 (logit 1) now ties token 0 and wins on... no: 0 has id 0 → argmax 0.
  assert.equal(s.sample(logits, h, new Rng(0)), 0);
  assertDist(dist({ repeatPenalty: 2 }, logits, h), softmaxOf([1, -4, 1, 0.5]));
  // Window of 1: only the last token (0) is penalised.
  assertDist(dist({ repeatPenalty: 2, repeatLastN: 1 }, logits, new TokenHistory([1, 0], 1)), softmaxOf([1, -2, 1, 0.5]));
  // The window slides with generated tokens: after pushing 3, only 3 is in a window of 1.
  const h1 = new TokenHistory([1, 0], 1);
  h1.push(3);
  assertDist(dist({ repeatPenalty: 2, repeatLastN: 1 }, logits, h1), softmaxOf([2, -2, 1, 0.25]));
  // 0 turns it off.
  assertDist(dist({ repeatPenalty: 2, repeatLastN: 0 }, logits, new TokenHistory([0, 1], 0)), softmaxOf([2, -2, 1, 0.5]));
});

test('frequency and presence penalties count generated tokens only (OpenAI formula)', () => {
  const logits = Float32Array.from([1, 1, 1, 1]);
  const h = new TokenHistory([3, 3, 3], 64); // prompt tokens do not count
  h.push(0);
  h.push(0);
  h.push(1);
  // mu[j] − c[j]·0.5 − [c[j] > 0]·0.25: token 0 → 1 − 1 − 0.25, token 1 → 1 − 0.5 − 0.25.
  assertDist(dist({ frequencyPenalty: 0.5, presencePenalty: 0.25 }, logits, h), softmaxOf([-0.25, 0.25, 1, 1]));
});

test('logit bias is added to the raw logits; −100 bans a token', () => {
  const logits = Float32Array.from([3, 1, 0]);
  // Token 0 falls to −97, more than 40 below the top: out of the candidates (see the pruning test).
  assertDist(dist({ logitBias: new Map([[0, -100], [2, 1]]) }, logits), { 1: 0.5, 2: 0.5 }, 1e-12);
  const s = new Sampler({ ...off, temperature: 0, logitBias: new Map([[0, -100]]) }, 3);
  assert.equal(s.sample(logits, noHistory, new Rng(0)), 1);
});

test('tokens more than 40·T below the top logit are never candidates (probability < e^-40 of the top)', () => {
  const logits = Float32Array.from([0, -39, -41]);
  const z = 1 + Math.exp(-39);
  assertDist(dist({}, logits), { 0: 1 / z, 1: Math.exp(-39) / z }, 1e-15);
  // At T = 2 the threshold is 80 below the top: all three stay, with probabilities ∝ exp(l / 2).
  const e = [1, Math.exp(-19.5), Math.exp(-20.5)];
  const s2 = e[0]! + e[1]! + e[2]!;
  assertDist(dist({ temperature: 2 }, logits), { 0: e[0]! / s2, 1: e[1]! / s2, 2: e[2]! / s2 }, 1e-15);
});

test('draw walks the cumulative distribution with the coin it is given (llama2.c sample_mult)', () => {
  const s = new Sampler(off, 3);
  const c = s.prepare(logitsOf([0.5, 0.3, 0.2]), noHistory);
  assert.equal(draw(c, 0), 0);
  assert.equal(draw(c, 0.49), 0);
  assert.equal(draw(c, 0.51), 1);
  assert.equal(draw(c, 0.79), 1);
  assert.equal(draw(c, 0.81), 2);
  assert.equal(draw(c, 0.999999), 2);
});

test('sampled frequencies match the prepared distribution (seeded, 40 000 draws, 5-sigma bound)', () => {
  const logits = logitsOf([0.15, 0.5, 0.05, 0.3]);
  const s = new Sampler({ ...off, topP: 0.85 }, 4);
  const want = [0.15 / 0.95, 0.5 / 0.95, 0, 0.3 / 0.95];
  const rng = new Rng(42);
  const counts = [0, 0, 0, 0];
  const N = 40000;
  for (let i = 0; i < N; i++) counts[s.sample(logits, noHistory, rng)]!++;
  for (let i = 0; i < 4; i++) {
    const sd = Math.sqrt((N * want[i]! * (1 - want[i]!)) || 1e-9);
    assert.ok(Math.abs(counts[i]! - N * want[i]!) <= 5 * sd, `token ${i}: ${counts[i]} draws, expected ${N * want[i]!}`);
  }
  assert.equal(counts[2], 0);
});

test('a seed reproduces a draw sequence; another seed gives another', () => {
  const rng = new Rng(3);
  const logits = Float32Array.from({ length: 1000 }, () => rng.normal());
  const run = (seed: number) => {
    const s = new Sampler({ ...defaultSampling }, 1000);
    const r = new Rng(seed);
    return Array.from({ length: 50 }, () => s.sample(logits, noHistory, r));
  };
  assert.deepEqual(run(7), run(7));
  assert.notDeepEqual(run(7), run(8));
});

test('options are validated with the field named', () => {
  assert.throws(() => generateOptions({ temperature: -1 }), (e: unknown) => e instanceof ConfigError && /temperature/.test(e.message));
  assert.throws(() => generateOptions({ topP: 0 }), /topP/);
  assert.throws(() => generateOptions({ topK: 1.5 }), /topK/);
  assert.throws(() => generateOptions({ maxTokens: 0 }), /maxTokens/);
  assert.throws(() => generateOptions({ logitBias: new Map([[3, 101]]) }), /logitBias\[3\]/);
  assert.throws(() => generateOptions({ stop: [''] }), /stop/);
  assert.equal(generateOptions({ temperature: undefined }).temperature, 0.6);
});

test('NaN logits are an error, not a silent sample', () => {
  const logits = Float32Array.from([0, NaN, 1]);
  assert.throws(() => new Sampler({ ...off, temperature: 0 }, 3).sample(logits, noHistory, new Rng(0)), /NaN/);
  assert.throws(() => new Sampler(off, 3).sample(logits, noHistory, new Rng(0)), /NaN/);
});

function softmaxOf(l: number[]): Record<number, number> {
  const m = Math.max(...l);
  const e = l.map((x) => Math.exp(x - m));
  const z = e.reduce((a, b) => a + b);
  return Object.fromEntries(e.map((x, i) => [i, x / z]));
}
