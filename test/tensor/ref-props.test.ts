// Properties of the reference kernels that pin down the contract: document masking equals running each
// document alone, GQA equals MHA with repeated kv heads, decoding equals the last row of full attention,
// ignored cross-entropy rows are inert, and AdamW matches a step worked out by hand (PyTorch semantics).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AttentionDims } from '../../src/tensor/kernels.js';
import { adamw } from '../../src/tensor/ref/adamw.js';
import { attentionForward, attentionBackward } from '../../src/tensor/ref/attention.js';
import { crossEntropyBackward, crossEntropyForward } from '../../src/tensor/ref/cross-entropy.js';
import { Rng } from '../../src/util/rng.js';

const randn = (rng: Rng, n: number): Float64Array => Float64Array.from({ length: n }, () => rng.normal());

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs(a[i]! - b[i]!) <= tol * (1 + Math.abs(b[i]!)))) assert.fail(`${what}[${i}]: ${a[i]} vs ${b[i]}`);
  }
}

/** Rows [t0, t1) of a [T, ...rest] array. */
const rows = (x: Float64Array, t0: number, t1: number, rowLen: number) => x.slice(t0 * rowLen, t1 * rowLen);

test('attention with a document mask equals attention on each document alone (forward and backward)', () => {
  const rng = new Rng(11);
  const T = 9, H = 2, KVH = 1, hd = 4;
  const d: AttentionDims = { B: 1, T, S: T, H, KVH, headDim: hd, scale: 0.5 };
  const docs = [[0, 3], [3, 4], [4, 9]];
  const seg = Int32Array.from([5, 5, 5, 8, 2, 2, 2, 2, 2]);
  const q = randn(rng, T * H * hd), k = randn(rng, T * KVH * hd), v = randn(rng, T * KVH * hd), dout = randn(rng, T * H * hd);
  const out = new Float64Array(T * H * hd), lse = new Float64Array(H * T);
  attentionForward(out, lse, q, k, v, seg, d);
  const dq = new Float64Array(q.length), dk = new Float64Array(k.length), dv = new Float64Array(v.length);
  attentionBackward(dq, dk, dv, dout, q, k, v, out, lse, seg, d);
  for (const [t0, t1] of docs) {
    const n = t1 - t0;
    const dd: AttentionDims = { ...d, T: n, S: n };
    const qd = rows(q, t0, t1, H * hd), kd = rows(k, t0, t1, KVH * hd), vd = rows(v, t0, t1, KVH * hd);
    const o = new Float64Array(n * H * hd), l = new Float64Array(H * n);
    attentionForward(o, l, qd, kd, vd, null, dd);
    close(o, rows(out, t0, t1, H * hd), 1e-12, `out of document ${t0}`);
    const gq = new Float64Array(qd.length), gk = new Float64Array(kd.length), gv = new Float64Array(vd.length);
    attentionBackward(gq, gk, gv, rows(dout, t0, t1, H * hd), qd, kd, vd, o, l, null, dd);
    close(gq, rows(dq, t0, t1, H * hd), 1e-12, `dq of document ${t0}`);
    close(gk, rows(dk, t0, t1, KVH * hd), 1e-12, `dk of document ${t0}`);
    close(gv, rows(dv, t0, t1, KVH * hd), 1e-12, `dv of document ${t0}`);
  }
});

test('GQA equals MHA with each kv head repeated H/KVH times (dk, dv summed over the group)', () => {
  const rng = new Rng(12);
  const B = 2, T = 6, H = 4, KVH = 2, hd = 3, G = H / KVH;
  const gqa: AttentionDims = { B, T, S: T, H, KVH, headDim: hd, scale: 0.7 };
  const mha: AttentionDims = { ...gqa, KVH: H };
  const q = randn(rng, B * T * H * hd), k = randn(rng, B * T * KVH * hd), v = randn(rng, B * T * KVH * hd);
  const dout = randn(rng, q.length);
  const repeat = (x: Float64Array) => {
    const r = new Float64Array(B * T * H * hd);
    for (let bt = 0; bt < B * T; bt++) for (let h = 0; h < H; h++) for (let i = 0; i < hd; i++) {
      r[(bt * H + h) * hd + i] = x[(bt * KVH + Math.floor(h / G)) * hd + i]!;
    }
    return r;
  };
  const out1 = new Float64Array(q.length), lse1 = new Float64Array(B * H * T);
  const out2 = new Float64Array(q.length), lse2 = new Float64Array(B * H * T);
  attentionForward(out1, lse1, q, k, v, null, gqa);
  attentionForward(out2, lse2, q, repeat(k), repeat(v), null, mha);
  close(out1, out2, 1e-12, 'out');
  close(lse1, lse2, 1e-12, 'lse');
  const dq1 = new Float64Array(q.length), dk1 = new Float64Array(k.length), dv1 = new Float64Array(v.length);
  attentionBackward(dq1, dk1, dv1, dout, q, k, v, out1, lse1, null, gqa);
  const dq2 = new Float64Array(q.length), dk2 = new Float64Array(q.length), dv2 = new Float64Array(q.length);
  attentionBackward(dq2, dk2, dv2, dout, q, repeat(k), repeat(v), out2, lse2, null, mha);
  close(dq1, dq2, 1e-12, 'dq');
  const sumGroups = (g: Float64Array) => {
    const r = new Float64Array(B * T * KVH * hd);
    for (let bt = 0; bt < B * T; bt++) for (let h = 0; h < H; h++) for (let i = 0; i < hd; i++) {
      r[(bt * KVH + Math.floor(h / G)) * hd + i]! += g[(bt * H + h) * hd + i]!;
    }
    return r;
  };
  close(dk1, sumGroups(dk2), 1e-12, 'dk');
  close(dv1, sumGroups(dv2), 1e-12, 'dv');
});

test('decoding one token against a strided KV cache equals the last row of full causal attention', () => {
  const rng = new Rng(13);
  const B = 2, S = 7, H = 4, KVH = 2, hd = 5, Smax = 10;
  const full: AttentionDims = { B, T: S, S, H, KVH, headDim: hd, scale: 0.4 };
  const q = randn(rng, B * S * H * hd), k = randn(rng, B * S * KVH * hd), v = randn(rng, B * S * KVH * hd);
  const out = new Float64Array(q.length), lse = new Float64Array(B * H * S);
  attentionForward(out, lse, q, k, v, null, full);
  // The cache holds Smax positions per sequence, of which S are filled.
  const cacheK = new Float64Array(B * Smax * KVH * hd).fill(Number.NaN);
  const cacheV = new Float64Array(B * Smax * KVH * hd).fill(Number.NaN);
  for (let b = 0; b < B; b++) {
    cacheK.set(k.subarray(b * S * KVH * hd, (b + 1) * S * KVH * hd), b * Smax * KVH * hd);
    cacheV.set(v.subarray(b * S * KVH * hd, (b + 1) * S * KVH * hd), b * Smax * KVH * hd);
  }
  for (const T of [1, 3]) {
    const dec: AttentionDims = { ...full, T, kvBatchStride: Smax * KVH * hd };
    const qd = new Float64Array(B * T * H * hd), od = new Float64Array(qd.length), ld = new Float64Array(B * H * T);
    for (let b = 0; b < B; b++) qd.set(q.subarray((b * S + S - T) * H * hd, (b + 1) * S * H * hd), b * T * H * hd);
    attentionForward(od, ld, qd, cacheK, cacheV, null, dec);
    for (let b = 0; b < B; b++) {
      close(od.subarray(b * T * H * hd, (b + 1) * T * H * hd), out.subarray((b * S + S - T) * H * hd, (b + 1) * S * H * hd), 1e-12, `T=${T} out, batch ${b}`);
      for (let h = 0; h < H; h++) close(ld.subarray((b * H + h) * T, (b * H + h + 1) * T), lse.subarray((b * H + h) * S + S - T, (b * H + h + 1) * S), 1e-12, `T=${T} lse`);
    }
  }
});

test('cross-entropy: ignored rows give loss 0 and zero gradient; others match −log softmax', () => {
  const d = { N: 3, V: 4, ignoreIndex: -1 };
  const logits = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0]);
  const targets = Int32Array.from([3, -1, 1]);
  const losses = new Float32Array(3), lse = new Float32Array(3);
  crossEntropyForward(losses, lse, logits, targets, d);
  const lse0 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3) + Math.exp(4));
  assert.ok(Math.abs(losses[0]! - (lse0 - 4)) < 1e-6);
  assert.equal(losses[1], 0);
  assert.ok(Math.abs(lse[1]! - (lse0 + 4)) < 1e-5, 'lse is still set on ignored rows');
  assert.ok(Math.abs(losses[2]! - Math.log(4)) < 1e-6);
  const dloss = Float32Array.from([1, 1, 0.5]);
  crossEntropyBackward(logits, logits, lse, targets, dloss, d); // in place
  assert.deepEqual(Array.from(logits.subarray(4, 8)), [0, 0, 0, 0]);
  close(logits.subarray(8, 12), [0.125, 0.125 - 0.5, 0.125, 0.125], 1e-7, 'uniform row');
});

test('adamw: two steps match values worked out by hand (PyTorch AdamW semantics)', () => {
  // lr 0.1, β1 0.9, β2 0.999, eps 1e-8, wd 0.1, p0 = 1, g1 = 0.5, g2 = −0.25.
  // Step 1: p ← 1 − 0.1·0.1·1 = 0.99; m = 0.05, v = 0.00025; m̂ = 0.5, v̂ = 0.25; p ← 0.99 − 0.1·0.5/(0.5+1e-8).
  const p1 = 0.99 - (0.1 * 0.5) / (0.5 + 1e-8);
  // Step 2: p ← p1·(1 − 0.01); m = 0.045 − 0.025 = 0.02, v = 0.00024975 + 0.0000625 = 0.00031225;
  // m̂ = 0.02/0.19, v̂ = 0.00031225/0.001999.
  const p2 = p1 * 0.99 - (0.1 * (0.02 / 0.19)) / (Math.sqrt(0.00031225 / (1 - 0.999 ** 2)) + 1e-8);
  const param = Float64Array.of(1), m = new Float64Array(1), v = new Float64Array(1);
  const h = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1 };
  adamw(param, Float64Array.of(0.5), m, v, 1, { ...h, step: 1 });
  assert.ok(Math.abs(param[0]! - p1) < 1e-15, `step 1: ${param[0]} vs ${p1}`);
  adamw(param, Float64Array.of(-0.25), m, v, 1, { ...h, step: 2 });
  assert.ok(Math.abs(m[0]! - 0.02) < 1e-15 && Math.abs(v[0]! - 0.00031225) < 1e-15);
  assert.ok(Math.abs(param[0]! - p2) < 1e-14, `step 2: ${param[0]} vs ${p2}`);
  // By hand: p1 = 0.99 − 0.0999999980 = 0.8900000020; p2 = 0.8811000020 − 0.1·0.1052632/sqrt(0.1562031) = 0.8544663.
  assert.ok(Math.abs(p2 - 0.8544663) < 1e-7, `hand value ${p2}`);
});
