// Native kernels against the TypeScript reference on random inputs at lengths 1, 3, 17, 31, 33, 63, 255, 257
// (rows and widths), 1 vs 2 threads bit for bit, and RangeError on bad dimensions. Runs on the instruction set
// the addon picked; native-isa.test.ts runs this file again with LLAMATS_ISA=avx2 and =scalar.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { AttentionDims, Kernels, RopeLayout } from '../../src/tensor/kernels.js';
import { nativeAddon } from '../../src/tensor/native.js';
import { nativeKernels, nativeKernelNames } from '../../src/tensor/native-kernels.js';
import { refKernels as ref } from '../../src/tensor/ref/index.js';
import { Rng } from '../../src/util/rng.js';

const addon = nativeAddon();
const SIZES = [1, 3, 17, 31, 33, 63, 255, 257];

const randn = (rng: Rng, n: number, s = 1): Float32Array => Float32Array.from({ length: n }, () => s * rng.normal());
const ints = (rng: Rng, n: number, hi: number): Int32Array => Int32Array.from({ length: n }, () => rng.int(hi));

/** |got − want| ≤ atol + rtol·|want| elementwise. */
function close(got: ArrayLike<number>, want: ArrayLike<number>, what: string, rtol = 2e-5, atol = 1e-6): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!, w = want[i]!;
    if (!(Math.abs(g - w) <= atol + rtol * Math.abs(w))) assert.fail(`${what}[${i}]: native ${g}, reference ${w}`);
  }
}

function bitEqual(a: Float32Array, b: Float32Array, what: string): void {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length), y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) assert.fail(`${what}[${i}]: ${a[i]} vs ${b[i]} with another thread count`);
}

/** Random document ids [B, S]: contiguous runs, or (scattered) ids drawn independently, which need not be contiguous. */
function segments(rng: Rng, B: number, S: number, scattered: boolean): Int32Array {
  const seg = new Int32Array(B * S);
  for (let b = 0; b < B; b++) {
    let id = 100 * b;
    for (let s = 0; s < S; s++) {
      if (scattered) seg[b * S + s] = rng.int(3);
      else seg[b * S + s] = s > 0 && rng.uniform() < 0.08 ? ++id : id;
    }
  }
  return seg;
}

describe(`native kernels (${addon ? addon.info().isa : 'addon not built'}) against the TypeScript reference`, { skip: addon === null }, () => {
  const nk: Kernels = addon ? nativeKernels(addon) : ref;
  const threads0 = addon ? addon.info().threads : 1;
  after(() => addon?.setThreads(threads0));

  test('the addon provides every kernel of this file', () => {
    const names = nativeKernelNames(addon!);
    const mine = ['add', 'mul', 'scale', 'axpy', 'sum', 'sumSquares', 'rmsnormForward', 'rmsnormBackward', 'swigluForward',
      'swigluBackward', 'softmaxForward', 'softmaxBackward', 'ropeForward', 'ropeBackward', 'attentionForward',
      'attentionBackward', 'embeddingForward', 'embeddingBackward', 'crossEntropyForward', 'crossEntropyBackward', 'adamw'];
    for (const k of mine) assert.ok(names.includes(k), `addon lacks ${k}`);
    assert.match(nk.name, /^native\/(avx512|avx2|scalar)$/);
  });

  test('elementwise: add, mul, scale, axpy bit-identical; sum, sumSquares in float64', () => {
    const rng = new Rng(1);
    for (const n of [...SIZES, 100_003]) {
      const a = randn(rng, n), b = randn(rng, n);
      for (const op of ['add', 'mul'] as const) {
        const x = new Float32Array(n), y = new Float32Array(n);
        nk[op](x, a, b, n);
        ref[op](y, a, b, n);
        bitEqual(x, y, `${op} n=${n}`);
      }
      const s = Math.fround(0.37), x = new Float32Array(n), y = new Float32Array(n);
      nk.scale(x, a, s, n);
      ref.scale(y, a, s, n);
      bitEqual(x, y, `scale n=${n}`);
      const p = Float32Array.from(b), q = Float32Array.from(b);
      nk.axpy(p, -1.7, a, n);
      ref.axpy(q, -1.7, a, n);
      bitEqual(p, q, `axpy n=${n}`);
      close([nk.sum(a, n), nk.sumSquares(a, n)], [ref.sum(a, n), ref.sumSquares(a, n)], `sums n=${n}`, 1e-12, 1e-12);
    }
  });

  test('rmsnorm forward and backward', () => {
    const rng = new Rng(2);
    for (const N of SIZES) for (const C of SIZES) {
      if (N * C > 20000) continue;
      const x = randn(rng, N * C), w = randn(rng, C), dout = randn(rng, N * C), dw0 = randn(rng, C);
      const d = { N, C, eps: 1e-5 };
      const o1 = new Float32Array(N * C), r1 = new Float32Array(N), o2 = new Float32Array(N * C), r2 = new Float32Array(N);
      nk.rmsnormForward(o1, r1, x, w, d);
      ref.rmsnormForward(o2, r2, x, w, d);
      close(o1, o2, `rmsnorm out ${N}×${C}`);
      close(r1, r2, `rmsnorm rstd ${N}×${C}`);
      const dx1 = new Float32Array(N * C), dw1 = Float32Array.from(dw0), dx2 = new Float32Array(N * C), dw2 = Float32Array.from(dw0);
      nk.rmsnormBackward(dx1, dw1, dout, x, w, r2, d);
      ref.rmsnormBackward(dx2, dw2, dout, x, w, r2, d);
      close(dx1, dx2, `rmsnorm dx ${N}×${C}`, 1e-4, 1e-5);
      close(dw1, dw2, `rmsnorm dw ${N}×${C}`, 1e-4, 1e-5);
    }
  });

  test('swiglu forward and backward (including large |gate|)', () => {
    const rng = new Rng(3);
    for (const n of [...SIZES, 5000]) {
      const gate = randn(rng, n, 4), up = randn(rng, n), dout = randn(rng, n);
      if (n > 3) (gate[0] = 95), (gate[1] = -95), (gate[2] = -30);
      const o1 = new Float32Array(n), o2 = new Float32Array(n);
      nk.swigluForward(o1, gate, up, n);
      ref.swigluForward(o2, gate, up, n);
      close(o1, o2, `swiglu out n=${n}`);
      const g1 = new Float32Array(n), u1 = new Float32Array(n), g2 = new Float32Array(n), u2 = new Float32Array(n);
      nk.swigluBackward(g1, u1, dout, gate, up, n);
      ref.swigluBackward(g2, u2, dout, gate, up, n);
      close(g1, g2, `swiglu dgate n=${n}`);
      close(u1, u2, `swiglu dup n=${n}`);
    }
  });

  test('softmax forward and backward (in place)', () => {
    const rng = new Rng(4);
    for (const N of SIZES) for (const C of [...SIZES, 32000]) {
      if (N * C > 70000) continue;
      const x = randn(rng, N * C, 5), dout = randn(rng, N * C);
      const o1 = Float32Array.from(x), o2 = new Float32Array(N * C);
      nk.softmaxForward(o1, o1, { N, C });
      ref.softmaxForward(o2, x, { N, C });
      close(o1, o2, `softmax ${N}×${C}`, 1e-5, 1e-9);
      const d1 = Float32Array.from(dout), d2 = new Float32Array(N * C);
      nk.softmaxBackward(d1, d1, o2, { N, C });
      ref.softmaxBackward(d2, dout, o2, { N, C });
      close(d1, d2, `softmax dx ${N}×${C}`, 1e-4, 1e-6);
    }
  });

  test('rope forward and backward, both layouts', () => {
    const rng = new Rng(5);
    for (const layout of ['pairs', 'half'] as RopeLayout[]) for (const N of SIZES) for (const [nHeads, headDim] of [[1, 2], [3, 6], [2, 34], [6, 48], [1, 128]] as const) {
      const n = N * nHeads * headDim;
      const x = randn(rng, n), dout = randn(rng, n);
      // A few distinct positions (table path) or far-apart ones (per-row path).
      const positions = N % 2 ? ints(rng, N, Math.max(1, N >> 1)) : Int32Array.from({ length: N }, () => rng.int(100000));
      const freqs = Float32Array.from({ length: headDim / 2 }, (_, i) => 10000 ** (-2 * i / headDim));
      const d = { N, nHeads, headDim, layout };
      const o1 = Float32Array.from(x), o2 = new Float32Array(n);
      nk.ropeForward(o1, o1, positions, freqs, d);
      ref.ropeForward(o2, x, positions, freqs, d);
      close(o1, o2, `rope ${layout} N=${N} ${nHeads}×${headDim}`, 1e-5, 1e-6);
      const g1 = new Float32Array(n), g2 = new Float32Array(n);
      nk.ropeBackward(g1, dout, positions, freqs, d);
      ref.ropeBackward(g2, dout, positions, freqs, d);
      close(g1, g2, `rope backward ${layout} N=${N}`, 1e-5, 1e-6);
    }
  });

  interface AttCase { d: AttentionDims; seg: 'none' | 'docs' | 'scattered' }
  const attCases: AttCase[] = [
    ...SIZES.map((T, i): AttCase => ({
      d: { B: 1 + (i % 2), T, S: T, H: [1, 4, 6, 8][i % 4]!, KVH: [1, 2, 6, 1][i % 4]!, headDim: [1, 3, 17, 33, 48, 64, 16, 31][i]!, scale: 0.3 },
      seg: (['none', 'docs', 'scattered'] as const)[i % 3]!,
    })),
    { d: { B: 3, T: 1, S: 257, H: 4, KVH: 2, headDim: 48, scale: 0.14, kvBatchStride: 300 * 2 * 48 }, seg: 'none' }, // decode, GQA
    { d: { B: 2, T: 1, S: 33, H: 6, KVH: 6, headDim: 48, scale: 0.14 }, seg: 'docs' }, // decode, MHA: dot-product scores
    { d: { B: 2, T: 17, S: 63, H: 4, KVH: 1, headDim: 64, scale: 0.125, kvBatchStride: 70 * 64 }, seg: 'docs' }, // prefill after a cache
    { d: { B: 1, T: 200, S: 200, H: 2, KVH: 1, headDim: 128, scale: 0.09 }, seg: 'docs' },
  ];
  for (const { d, seg: segKind } of attCases) {
    test(`attention forward and backward B=${d.B} T=${d.T} S=${d.S} H=${d.H}/${d.KVH} hd=${d.headDim} seg=${segKind}`, () => {
      const rng = new Rng(6 + d.T);
      const nq = d.B * d.T * d.H * d.headDim, stride = d.kvBatchStride ?? d.S * d.KVH * d.headDim;
      const nkv = (d.B - 1) * stride + d.S * d.KVH * d.headDim, dense = d.B * d.S * d.KVH * d.headDim;
      const q = randn(rng, nq), k = randn(rng, nkv), v = randn(rng, nkv), dout = randn(rng, nq);
      const seg = segKind === 'none' ? null : segments(rng, d.B, d.S, segKind === 'scattered');
      const o1 = new Float32Array(nq), l1 = new Float32Array(d.B * d.H * d.T), o2 = new Float32Array(nq), l2 = new Float32Array(d.B * d.H * d.T);
      nk.attentionForward(o1, l1, q, k, v, seg, d);
      ref.attentionForward(o2, l2, q, k, v, seg, d);
      close(o1, o2, 'out', 1e-4, 2e-5);
      close(l1, l2, 'lse', 1e-5, 1e-5);
      const g1 = [new Float32Array(nq), new Float32Array(dense), new Float32Array(dense)] as const;
      const g2 = [new Float32Array(nq), new Float32Array(dense), new Float32Array(dense)] as const;
      nk.attentionBackward(g1[0], g1[1].fill(7), g1[2].fill(7), dout, q, k, v, o2, l2, seg, d); // dk, dv are written, not +=
      ref.attentionBackward(g2[0], g2[1], g2[2], dout, q, k, v, o2, l2, seg, d);
      close(g1[0], g2[0], 'dq', 2e-4, 5e-5);
      close(g1[1], g2[1], 'dk', 2e-4, 5e-5);
      close(g1[2], g2[2], 'dv', 2e-4, 5e-5);
    });
  }

  test('long sequences (T 4100, GQA, documents): decode and per-document runs agree with the full pass', () => {
    const rng = new Rng(12);
    const T = 4100, H = 4, KVH = 2, hd = 32, rowQ = H * hd, rowKV = KVH * hd;
    const d: AttentionDims = { B: 1, T, S: T, H, KVH, headDim: hd, scale: 0.18 };
    const q = randn(rng, T * rowQ), k = randn(rng, T * rowKV), v = randn(rng, T * rowKV);
    const seg = new Int32Array(T);
    const cuts = [0, 1000, 1001, 2900, T];
    for (let i = 0; i + 1 < cuts.length; i++) seg.fill(i, cuts[i], cuts[i + 1]);
    const out = new Float32Array(T * rowQ), lse = new Float32Array(H * T);
    nk.attentionForward(out, lse, q, k, v, seg, d);
    // The last position decoded against the cache of everything before it (same document ids).
    const od = new Float32Array(rowQ), ld = new Float32Array(H);
    nk.attentionForward(od, ld, q.subarray((T - 1) * rowQ), k, v, seg, { ...d, T: 1 });
    close(od, out.subarray((T - 1) * rowQ), 'decode out', 1e-5, 1e-6);
    close(ld, Array.from({ length: H }, (_, h) => lse[h * T + T - 1]!), 'decode lse', 1e-6, 1e-6);
    for (let i = 0; i + 1 < cuts.length; i++) {
      const [a, b] = [cuts[i]!, cuts[i + 1]!];
      const n = b - a, o = new Float32Array(n * rowQ);
      nk.attentionForward(o, null, q.subarray(a * rowQ, b * rowQ), k.subarray(a * rowKV, b * rowKV), v.subarray(a * rowKV, b * rowKV), null, { ...d, T: n, S: n });
      close(o, out.subarray(a * rowQ, b * rowQ), `document ${a}..${b}`, 1e-5, 1e-6);
    }
  });

  test('attention at T 4096 against the reference, forward and backward (LLAMATS_SLOW=1)', { skip: process.env.LLAMATS_SLOW !== '1' }, () => {
    const rng = new Rng(13);
    const d: AttentionDims = { B: 1, T: 4096, S: 4096, H: 2, KVH: 1, headDim: 16, scale: 0.25 };
    const nq = 4096 * 2 * 16, nkv = 4096 * 16;
    const q = randn(rng, nq), k = randn(rng, nkv), v = randn(rng, nkv), dout = randn(rng, nq);
    const seg = segments(rng, 1, 4096, false);
    const o1 = new Float32Array(nq), l1 = new Float32Array(2 * 4096), o2 = new Float32Array(nq), l2 = new Float32Array(2 * 4096);
    nk.attentionForward(o1, l1, q, k, v, seg, d);
    ref.attentionForward(o2, l2, q, k, v, seg, d);
    close(o1, o2, 'out', 1e-4, 2e-5);
    close(l1, l2, 'lse', 1e-5, 1e-5);
    const g1 = [new Float32Array(nq), new Float32Array(nkv), new Float32Array(nkv)] as const;
    const g2 = [new Float32Array(nq), new Float32Array(nkv), new Float32Array(nkv)] as const;
    nk.attentionBackward(g1[0], g1[1], g1[2], dout, q, k, v, o2, l2, seg, d);
    ref.attentionBackward(g2[0], g2[1], g2[2], dout, q, k, v, o2, l2, seg, d);
    close(g1[0], g2[0], 'dq', 2e-4, 5e-5);
    close(g1[1], g2[1], 'dk', 2e-4, 5e-5);
    close(g1[2], g2[2], 'dv', 2e-4, 5e-5);
  });

  test('embedding forward and backward (repeated ids)', () => {
    const rng = new Rng(7);
    for (const N of SIZES) for (const C of SIZES) {
      const rows = 5 + (N % 7);
      const table = randn(rng, rows * C), ids = ints(rng, N, rows), dout = randn(rng, N * C), dt0 = randn(rng, rows * C);
      const o1 = new Float32Array(N * C), o2 = new Float32Array(N * C);
      nk.embeddingForward(o1, table, ids, { N, C });
      ref.embeddingForward(o2, table, ids, { N, C });
      bitEqual(o1, o2, `embedding ${N}×${C}`);
      const t1 = Float32Array.from(dt0), t2 = Float32Array.from(dt0);
      nk.embeddingBackward(t1, dout, ids, { N, C });
      ref.embeddingBackward(t2, dout, ids, { N, C });
      bitEqual(t1, t2, `embedding backward ${N}×${C}`); // same additions in the same order
    }
  });

  test('cross-entropy forward and backward (ignored rows, in place)', () => {
    const rng = new Rng(8);
    for (const N of SIZES) for (const V of [...SIZES, 32000]) {
      if (N * V > 70000) continue;
      const d = { N, V, ignoreIndex: -100 };
      const logits = randn(rng, N * V, 3), dloss = randn(rng, N);
      const targets = Int32Array.from({ length: N }, (_, n) => (n % 5 === 2 ? -100 : rng.int(V)));
      const ls1 = new Float32Array(N), lse1 = new Float32Array(N), ls2 = new Float32Array(N), lse2 = new Float32Array(N);
      nk.crossEntropyForward(ls1, lse1, logits, targets, d);
      ref.crossEntropyForward(ls2, lse2, logits, targets, d);
      close(ls1, ls2, `ce loss ${N}×${V}`, 1e-5, 1e-5);
      close(lse1, lse2, `ce lse ${N}×${V}`, 1e-6, 1e-5);
      const g1 = Float32Array.from(logits), g2 = new Float32Array(N * V);
      nk.crossEntropyBackward(g1, g1, lse2, targets, dloss, d);
      ref.crossEntropyBackward(g2, logits, lse2, targets, dloss, d);
      close(g1, g2, `ce dlogits ${N}×${V}`, 1e-5, 1e-7);
    }
  });

  test('adamw', () => {
    const rng = new Rng(9);
    for (const n of [...SIZES, 50000]) {
      const p = randn(rng, n), g = randn(rng, n), m = randn(rng, n, 0.1), v = Float32Array.from(randn(rng, n, 0.1), (x) => x * x);
      const a = [Float32Array.from(p), Float32Array.from(m), Float32Array.from(v)] as const;
      const b = [Float32Array.from(p), Float32Array.from(m), Float32Array.from(v)] as const;
      const h = { lr: 1e-3, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, step: 7 };
      nk.adamw(a[0], g, a[1], a[2], n, h);
      ref.adamw(b[0], g, b[1], b[2], n, h);
      close(a[0], b[0], `adamw param n=${n}`, 1e-6, 1e-7);
      close(a[1], b[1], `adamw m n=${n}`, 1e-6, 1e-7); // m = β1·m + (1−β1)·g may cancel: absolute tolerance
      close(a[2], b[2], `adamw v n=${n}`, 1e-6, 1e-10);
    }
  });

  test('1 and 2 threads give bit-identical results for every kernel', () => {
    const rng = new Rng(10);
    const N = 257, C = 300, V = 2000;
    const x = randn(rng, N * C), y = randn(rng, N * C), w = randn(rng, C), logits = randn(rng, N * V, 3);
    const ids = ints(rng, N, 50), targets = ints(rng, N, V), positions = ints(rng, N, 1000);
    const att: AttentionDims = { B: 2, T: 130, S: 130, H: 6, KVH: 2, headDim: 48, scale: 0.14 };
    const nq = 2 * 130 * 6 * 48, nkv = 2 * 130 * 2 * 48;
    const q = randn(rng, nq), k = randn(rng, nkv), v = randn(rng, nkv), seg = segments(rng, 2, 130, false);
    const run = (): Float32Array[] => {
      const outs: Float32Array[] = [];
      const o = (n: number) => (outs.push(new Float32Array(n)), outs[outs.length - 1]!);
      const big = Float32Array.from({ length: 300_000 }, (_, i) => Math.sin(i));
      o(2).set([nk.sum(big, big.length), nk.sumSquares(big, big.length)]);
      const rstd = o(N);
      nk.rmsnormForward(o(N * C), rstd, x, w, { N, C, eps: 1e-5 });
      const dw = o(C);
      nk.rmsnormBackward(o(N * C), dw, y, x, w, rstd, { N, C });
      nk.swigluForward(o(N * C), x, y, N * C);
      nk.swigluBackward(o(N * C), o(N * C), y, x, y, N * C);
      nk.softmaxForward(o(N * C), x, { N, C });
      nk.softmaxBackward(o(N * C), y, x, { N, C });
      nk.ropeForward(o(N * C), x, positions, w.subarray(0, 25), { N, nHeads: 6, headDim: 50, layout: 'pairs' });
      nk.ropeBackward(o(N * C), x, positions, w.subarray(0, 25), { N, nHeads: 6, headDim: 50, layout: 'half' });
      const out = o(nq), lse = o(2 * 6 * 130);
      nk.attentionForward(out, lse, q, k, v, seg, att);
      nk.attentionBackward(o(nq), o(nkv), o(nkv), q, q, k, v, out, lse, seg, att);
      nk.attentionForward(o(2 * 6 * 48), o(2 * 6), q.subarray(0, 2 * 6 * 48), k, v, seg, { ...att, T: 1 }); // decode (row form)
      nk.embeddingForward(o(N * C), x, ids, { N, C });
      nk.embeddingBackward(o(50 * C), y, ids, { N, C });
      const losses = o(N), lse2 = o(N);
      nk.crossEntropyForward(losses, lse2, logits, targets, { N, V, ignoreIndex: -1 });
      nk.crossEntropyBackward(o(N * V), logits, lse2, targets, losses, { N, V, ignoreIndex: -1 });
      const p = o(N * C);
      p.set(x);
      nk.adamw(p, y, o(N * C), o(N * C), N * C, { lr: 1e-3, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, step: 3 });
      return outs;
    };
    addon!.setThreads(1);
    const one = run();
    assert.equal(addon!.setThreads(2), 2);
    const two = run();
    one.forEach((a, i) => bitEqual(a, two[i]!, `output ${i}`));
  });

  test('bad dimensions throw RangeError instead of reading out of bounds', () => {
    const f = new Float32Array(10), i32 = new Int32Array(10);
    const bad: [string, () => void][] = [
      ['add', () => nk.add(f, f, f, 11)],
      ['sum', () => nk.sum(f, 11)],
      ['rmsnorm', () => nk.rmsnormForward(f, f, f, f, { N: 2, C: 6, eps: 1e-5 })],
      ['rmsnorm backward', () => nk.rmsnormBackward(f, f, f, f, f, f, { N: 3, C: 4 })],
      ['swiglu', () => nk.swigluBackward(f, f, f, f, new Float32Array(9), 10)],
      ['softmax', () => nk.softmaxForward(f, f, { N: 4, C: 3 })],
      ['rope odd headDim', () => nk.ropeForward(f, f, i32, f, { N: 2, nHeads: 1, headDim: 5, layout: 'pairs' })],
      ['rope layout', () => nk.ropeForward(f, f, i32, f, { N: 1, nHeads: 1, headDim: 4, layout: 'x' as RopeLayout })],
      ['rope positions', () => nk.ropeForward(new Float32Array(44), new Float32Array(44), i32, f, { N: 11, nHeads: 1, headDim: 4, layout: 'half' })],
      ['attention S < T', () => nk.attentionForward(f, null, f, f, f, null, { B: 1, T: 2, S: 1, H: 1, KVH: 1, headDim: 1, scale: 1 })],
      ['attention H % KVH', () => nk.attentionForward(f, null, f, f, f, null, { B: 1, T: 1, S: 1, H: 3, KVH: 2, headDim: 1, scale: 1 })],
      ['attention short k', () => nk.attentionForward(f, null, f, new Float32Array(3), f, null, { B: 1, T: 2, S: 2, H: 1, KVH: 1, headDim: 2, scale: 1 })],
      ['attention short segIds', () => nk.attentionForward(f, null, f, f, f, new Int32Array(1), { B: 1, T: 2, S: 2, H: 1, KVH: 1, headDim: 2, scale: 1 })],
      ['attention kvBatchStride', () => nk.attentionForward(f, null, f, f, f, null, { B: 2, T: 1, S: 2, H: 1, KVH: 1, headDim: 2, scale: 1, kvBatchStride: 3 })],
      ['attention backward short dk', () => nk.attentionBackward(f, new Float32Array(3), f, f, f, f, f, f, f, null, { B: 1, T: 2, S: 2, H: 1, KVH: 1, headDim: 2, scale: 1 })],
      ['embedding id', () => nk.embeddingForward(f, f, Int32Array.of(5), { N: 1, C: 2 })],
      ['embedding negative id', () => nk.embeddingBackward(f, f, Int32Array.of(-1), { N: 1, C: 2 })],
      ['cross-entropy target', () => nk.crossEntropyForward(f, f, f, Int32Array.of(5), { N: 1, V: 5, ignoreIndex: -100 })],
      ['cross-entropy logits', () => nk.crossEntropyBackward(f, f, f, Int32Array.of(0, 0), f, { N: 2, V: 6, ignoreIndex: -100 })],
      ['adamw', () => nk.adamw(f, f, f, new Float32Array(5), 10, { lr: 1, beta1: 0.9, beta2: 0.9, eps: 1, weightDecay: 0, step: 1 })],
      ['adamw step 0', () => nk.adamw(f, f, f, f, 10, { lr: 1, beta1: 0.9, beta2: 0.9, eps: 1, weightDecay: 0, step: 0 })],
      ['huge dims', () => nk.softmaxForward(f, f, { N: 2 ** 40, C: 2 ** 40 })],
    ];
    for (const [what, call] of bad) assert.throws(call, RangeError, what);
  });
});
