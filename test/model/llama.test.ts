import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/tensor/index.js';
import { initLlama, Llama } from '../../src/model/llama.js';
import { Decoder, KVCache } from '../../src/model/inference.js';
import { inferenceWeightsOf } from '../../src/model/weights.js';
import type { ModelConfig } from '../../src/model/config.js';
import { Rng } from '../../src/util/rng.js';

// A model small enough for finite differences but with every feature: GQA (4 query heads on 2 KV heads),
// several layers, untied output, odd vocabulary size.
const small: ModelConfig = {
  dim: 16, nLayers: 2, nHeads: 4, nKvHeads: 2, headDim: 4, ffnDim: 24, vocabSize: 37,
  normEps: 1e-5, ropeTheta: 10000, ropeScaling: null, maxSeqLen: 32, tiedEmbeddings: false,
};

function randomTokens(rng: Rng, n: number, vocab: number): Int32Array {
  return Int32Array.from({ length: n }, () => rng.int(vocab));
}

function lossOf(model: Llama, tokens: Int32Array, targets: Int32Array, B: number, Tn: number, layout = {}): number {
  return T.tidy(() => T.noGrad(() => {
    const losses = model.tokenLosses(tokens, targets, B, Tn, layout);
    let s = 0;
    for (let i = 0; i < losses.size; i++) s += losses.data[losses.offset + i]!;
    return s;
  }));
}

test('whole-model gradients match central finite differences for every parameter kind', () => {
  const model = initLlama(small, 3);
  // Larger weights than the init so that every path carries signal.
  const rng = new Rng(11);
  for (const t of model.params.tensors.values()) if (!t.name.includes('norm')) for (let i = 0; i < t.data.length; i++) t.data[i] = rng.normal() * 0.3;
  for (const t of model.params.tensors.values()) if (t.name.includes('norm')) for (let i = 0; i < t.data.length; i++) t.data[i] = 1 + rng.normal() * 0.2;
  const B = 2, Tn = 5;
  const tokens = randomTokens(rng, B * Tn, small.vocabSize);
  const targets = randomTokens(rng, B * Tn, small.vocabSize);
  targets[3] = T.IGNORE_INDEX;
  model.params.zeroGrad();
  T.tidy(() => T.backward(T.sum(model.tokenLosses(tokens, targets, B, Tn))));
  // Directional derivative along a random direction restricted to one tensor at a time: (L(θ+εu) − L(θ−εu))/2ε
  // against ∇L·u. Every tensor of every layer is checked.
  const eps = 1e-2;
  for (const [name, p] of model.params.tensors) {
    const u = Float32Array.from({ length: p.data.length }, () => rng.normal());
    let analytic = 0;
    for (let i = 0; i < u.length; i++) analytic += p.grad!.data[i]! * u[i]!;
    const saved = Float32Array.from(p.data);
    for (let i = 0; i < u.length; i++) p.data[i] = saved[i]! + eps * u[i]!;
    const plus = lossOf(model, tokens, targets, B, Tn);
    for (let i = 0; i < u.length; i++) p.data[i] = saved[i]! - eps * u[i]!;
    const minus = lossOf(model, tokens, targets, B, Tn);
    p.data.set(saved);
    const numeric = (plus - minus) / (2 * eps);
    const err = Math.abs(numeric - analytic);
    assert.ok(err <= 2e-3 + 2e-2 * Math.abs(analytic), `${name}: numeric ${numeric} vs analytic ${analytic}`);
  }
});

test('KV-cache decoding one token at a time gives the logits of the full forward pass at every position', () => {
  const model = initLlama({ ...small, ropeTheta: 500000 }, 5);
  const rng = new Rng(2);
  const Tn = 9;
  const tokens = randomTokens(rng, Tn, small.vocabSize);
  const full = T.tidy(() => T.noGrad(() => model.logits(model.hidden(tokens, 1, Tn)).toFloat32Array()));
  const decoder = new Decoder(model.config, inferenceWeightsOf(model));
  const cache = new KVCache(model.config);
  const V = small.vocabSize;
  for (let t = 0; t < Tn; t++) {
    const logits = decoder.forward([tokens[t]!], cache);
    for (let v = 0; v < V; v++) assert.ok(Math.abs(logits[v]! - full[t * V + v]!) < 1e-4, `position ${t}, logit ${v}: ${logits[v]} vs ${full[t * V + v]}`);
  }
  // Prefill of a prefix followed by single steps gives the same last logits.
  const cache2 = new KVCache(model.config);
  decoder.forward(tokens.subarray(0, 5), cache2);
  const rest = decoder.forward(tokens.subarray(5), cache2, true);
  for (let v = 0; v < V; v++) assert.ok(Math.abs(rest[3 * V + v]! - full[8 * V + v]!) < 1e-4);
});

test('logits written into a caller\'s buffer equal fresh logits; a short buffer is an error', () => {
  const model = initLlama(small, 8);
  const decoder = new Decoder(model.config, inferenceWeightsOf(model));
  const V = small.vocabSize;
  const [a, b] = [new KVCache(model.config), new KVCache(model.config)];
  const buffer = new Float32Array(3 * V + 5).fill(NaN);
  const fresh = decoder.forward([1, 2, 3], a, true);
  const into = decoder.forward([1, 2, 3], b, true, buffer);
  assert.equal(into.buffer, buffer.buffer);
  assert.deepEqual(into, fresh);
  assert.deepEqual(decoder.forward([4], b, false, buffer), decoder.forward([4], a));
  const caches = [new KVCache(model.config), new KVCache(model.config)];
  const caches2 = [new KVCache(model.config), new KVCache(model.config)];
  assert.deepEqual(decoder.forwardBatch([5, 6], caches2, buffer), decoder.forwardBatch([5, 6], caches));
  const before = a.length;
  assert.throws(() => decoder.forward([7], a, false, new Float32Array(V - 1)), /out \(logits buffer\) length/);
  assert.equal(a.length, before, 'the cache is left as it was');
});

test('batched decoding equals decoding each sequence alone', () => {
  const model = initLlama(small, 8);
  const decoder = new Decoder(model.config, inferenceWeightsOf(model));
  const rng = new Rng(4);
  const prompts = [randomTokens(rng, 3, 37), randomTokens(rng, 6, 37), randomTokens(rng, 1, 37)];
  const caches = prompts.map(() => new KVCache(model.config));
  prompts.forEach((p, b) => decoder.forward(p, caches[b]!));
  const next = [5, 9, 30];
  const batched = decoder.forwardBatch(next, caches);
  prompts.forEach((p, b) => {
    const alone = decoder.forward([...p, next[b]!], new KVCache(model.config));
    for (let v = 0; v < 37; v++) assert.ok(Math.abs(batched[b * 37 + v]! - alone[v]!) < 1e-5);
  });
});

test('a packed sequence of two documents with document masking gives each document its own losses', () => {
  const model = initLlama(small, 9);
  const rng = new Rng(6);
  const docA = randomTokens(rng, 4, 37), tgtA = randomTokens(rng, 4, 37);
  const docB = randomTokens(rng, 5, 37), tgtB = randomTokens(rng, 5, 37);
  const tokens = Int32Array.from([...docA, ...docB]);
  const targets = Int32Array.from([...tgtA, ...tgtB]);
  const segIds = Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1, 1]);
  const positions = Int32Array.from([0, 1, 2, 3, 0, 1, 2, 3, 4]);
  const packed = T.tidy(() => T.noGrad(() => model.tokenLosses(tokens, targets, 1, 9, { segIds, positions }).toFloat32Array()));
  const alone = (d: Int32Array, t: Int32Array) => T.tidy(() => T.noGrad(() => model.tokenLosses(d, t, 1, d.length).toFloat32Array()));
  const a = alone(docA, tgtA), b = alone(docB, tgtB);
  [...a, ...b].forEach((l, i) => assert.ok(Math.abs(l - packed[i]!) < 1e-5, `token ${i}: ${packed[i]} vs ${l}`));
});

test('a training step frees its activations: pooled memory returns to the baseline', () => {
  const model = initLlama(small, 1);
  const rng = new Rng(1);
  const tokens = randomTokens(rng, 64, 37), targets = randomTokens(rng, 64, 37);
  const before = T.memoryStats().inUse;
  T.tidy(() => T.backward(T.mean(model.tokenLosses(tokens, targets, 4, 16))));
  assert.equal(T.memoryStats().inUse, before);
});
