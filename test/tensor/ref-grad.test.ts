// Every backward of the TypeScript reference against float64 central finite differences (test/helpers/gradcheck).
import { test } from 'node:test';
import { dot, gradcheck } from '../helpers/gradcheck.js';
import type { AttentionDims, RopeLayout } from '../../src/tensor/kernels.js';
import { attentionBackward, attentionForward } from '../../src/tensor/ref/attention.js';
import { crossEntropyBackward, crossEntropyForward } from '../../src/tensor/ref/cross-entropy.js';
import { embeddingBackward, embeddingForward } from '../../src/tensor/ref/embedding.js';
import { rmsnormBackward, rmsnormForward } from '../../src/tensor/ref/rmsnorm.js';
import { ropeBackward, ropeForward } from '../../src/tensor/ref/rope.js';
import { softmaxBackward, softmaxForward } from '../../src/tensor/ref/softmax.js';
import { swigluBackward, swigluForward } from '../../src/tensor/ref/swiglu.js';
import { Rng } from '../../src/util/rng.js';

const randn = (rng: Rng, n: number, s = 1): Float64Array => Float64Array.from({ length: n }, () => s * rng.normal());

test('rmsnorm backward (dx, dw) matches finite differences', () => {
  const rng = new Rng(1);
  const d = { N: 3, C: 7, eps: 1e-5 };
  const x = randn(rng, 21), w = randn(rng, 7), R = randn(rng, 21);
  const out = new Float64Array(21), rstd = new Float64Array(3);
  const loss = () => (rmsnormForward(out, rstd, x, w, d), dot(out, R));
  loss();
  const dx = new Float64Array(21), dw = new Float64Array(7);
  rmsnormBackward(dx, dw, R, x, w, rstd, d);
  gradcheck({ x, w }, { x: dx, w: dw }, loss);
});

test('swiglu backward matches finite differences', () => {
  const rng = new Rng(2);
  const gate = randn(rng, 13, 3), up = randn(rng, 13), R = randn(rng, 13);
  const out = new Float64Array(13);
  const loss = () => (swigluForward(out, gate, up, 13), dot(out, R));
  const dgate = new Float64Array(13), dup = new Float64Array(13);
  swigluBackward(dgate, dup, R, gate, up, 13);
  gradcheck({ gate, up }, { gate: dgate, up: dup }, loss);
});

test('softmax backward matches finite differences', () => {
  const rng = new Rng(3);
  const d = { N: 3, C: 5 };
  const x = randn(rng, 15, 2), R = randn(rng, 15);
  const out = new Float64Array(15);
  const loss = () => (softmaxForward(out, x, d), dot(out, R));
  loss();
  const dx = Float64Array.from(R);
  softmaxBackward(dx, dx, out, d); // in place: dx aliases dout
  gradcheck({ x }, { x: dx }, loss);
});

for (const layout of ['pairs', 'half'] as RopeLayout[]) {
  test(`rope backward (${layout}) matches finite differences`, () => {
    const rng = new Rng(4);
    const d = { N: 3, nHeads: 2, headDim: 6, layout };
    const x = randn(rng, 36), R = randn(rng, 36);
    const positions = Int32Array.from([0, 5, 1000]);
    const freqs = Float32Array.from([1, 0.1, 0.01]);
    const out = new Float64Array(36);
    const loss = () => (ropeForward(out, x, positions, freqs, d), dot(out, R));
    const dx = new Float64Array(36);
    ropeBackward(dx, R, positions, freqs, d);
    gradcheck({ x }, { x: dx }, loss);
  });
}

const attentionCases: { name: string; d: AttentionDims; seg?: number[] }[] = [
  { name: 'MHA', d: { B: 2, T: 4, S: 4, H: 2, KVH: 2, headDim: 3, scale: 0.6 } },
  { name: 'GQA with document mask', d: { B: 2, T: 5, S: 5, H: 4, KVH: 2, headDim: 3, scale: 0.5 }, seg: [0, 0, 1, 1, 1, 7, 7, 7, 7, 2] },
  { name: 'prefill after a cache (T < S) with kvBatchStride', d: { B: 2, T: 2, S: 5, H: 3, KVH: 1, headDim: 4, scale: 0.5, kvBatchStride: 6 * 4 } },
];
for (const c of attentionCases) {
  test(`attention backward (${c.name}) matches finite differences`, () => {
    const rng = new Rng(5);
    const d = c.d;
    const nq = d.B * d.T * d.H * d.headDim;
    const nkv = (d.B - 1) * (d.kvBatchStride ?? d.S * d.KVH * d.headDim) + d.S * d.KVH * d.headDim;
    const q = randn(rng, nq), k = randn(rng, nkv), v = randn(rng, nkv), R = randn(rng, nq);
    const seg = c.seg ? Int32Array.from(c.seg) : null;
    const out = new Float64Array(nq), lse = new Float64Array(d.B * d.H * d.T);
    const loss = () => (attentionForward(out, lse, q, k, v, seg, d), dot(out, R));
    loss();
    const dense = d.B * d.S * d.KVH * d.headDim;
    const dq = new Float64Array(nq), dk = new Float64Array(dense), dv = new Float64Array(dense);
    attentionBackward(dq, dk, dv, R, q, k, v, out, lse, seg, d);
    // dk, dv are dense [B, S, KVH, hd]; spread them to k's (possibly strided) layout for the comparison.
    const stride = d.kvBatchStride ?? d.S * d.KVH * d.headDim;
    const spread = (g: Float64Array) => {
      const s = new Float64Array(nkv);
      for (let b = 0; b < d.B; b++) s.set(g.subarray(b * d.S * d.KVH * d.headDim, (b + 1) * d.S * d.KVH * d.headDim), b * stride);
      return s;
    };
    gradcheck({ q, k, v }, { q: dq, k: spread(dk), v: spread(dv) }, loss);
  });
}

test('embedding backward matches finite differences (repeated ids accumulate)', () => {
  const rng = new Rng(6);
  const d = { N: 4, C: 3 };
  const table = randn(rng, 5 * 3), R = randn(rng, 12);
  const ids = Int32Array.from([2, 0, 2, 4]);
  const out = new Float64Array(12);
  const loss = () => (embeddingForward(out, table, ids, d), dot(out, R));
  const dtable = new Float64Array(15);
  embeddingBackward(dtable, R, ids, d);
  gradcheck({ table }, { table: dtable }, loss);
});

test('cross-entropy backward matches finite differences (with an ignored row)', () => {
  const rng = new Rng(7);
  const d = { N: 4, V: 6, ignoreIndex: -100 };
  const logits = randn(rng, 24, 2), dloss = randn(rng, 4);
  const targets = Int32Array.from([3, -100, 0, 5]);
  const losses = new Float64Array(4), lse = new Float64Array(4);
  const loss = () => (crossEntropyForward(losses, lse, logits, targets, d), dot(losses, dloss));
  loss();
  const dlogits = new Float64Array(24);
  crossEntropyBackward(dlogits, logits, lse, targets, dloss, d);
  gradcheck({ logits }, { logits: dlogits }, loss);
});
