// Quantized-weight products (native/kernels/quant/) against the TypeScript oracles of
// src/tensor/ref/quant-matmul.ts, for every type (F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K):
//   - the activation rows the addon quantizes are byte-identical to llama.cpp's reference quantizers in TS
//     (quantize_row_q8_0_ref / quantize_row_q8_K_ref / fp32→bf16), including ties and zero blocks;
//   - native ≈ the same scheme in TS (exact integer block sums, float64 over blocks) within float32 rounding of
//     the block sums: |native − scheme| ≤ 1e-6·Σ|terms| (about 17 ulp of Σ|terms|);
//   - native ≈ the exact product of the dequantized weights with the unquantized activations within the bound
//     the activation quantization allows: Σ_i |w_i|·e_i, e_i the largest error of x_i's 8-bit (or bf16) code;
//   - 1 vs 2 threads, and row m of an M-row product vs the same row alone, bit for bit;
//   - bad sizes → RangeError in both backends; dequantizeRow bit-identical to the io codecs.
// Runs on the instruction set the addon picked; quant-matmul-isa.test.ts runs it again on avx2 and scalar.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { quantize } from '../../src/io/quant/codec.js';
import { GGML } from '../../src/io/quant/types.js';
import { f32ToBf16, f32ToF16 } from '../../src/io/quant/f16.js';
import type { Kernels } from '../../src/tensor/kernels.js';
import { nativeAddon } from '../../src/tensor/native.js';
import { nativeKernels } from '../../src/tensor/native-kernels.js';
import { refKernels as ref } from '../../src/tensor/ref/index.js';
import { activationRowBytes, matmulQuantScheme, QUANT_MATMUL_TYPES, quantizeRowQ8K } from '../../src/tensor/ref/quant-matmul.js';
import { quantizeQ8_0 } from '../../src/io/quant/q8_0.js';
import { Rng } from '../../src/util/rng.js';
import { quantActivations as activations, randn } from './matmul-helpers.js';
import { quantInputs } from '../io/quant-inputs.js';

const addon = nativeAddon();
type QuantizeActivations = (out: Uint8Array, x: Float32Array, type: number, M: number, K: number) => number;

const TYPES = [...QUANT_MATMUL_TYPES].map(([id, t]) => ({ id, ...t }));
const KS = [256, 512, 768, 4096];
const NS = [1, 3, 17, 257];
const MS = [1, 2, 7, 33];
const SLOW = process.env.LLAMATS_SLOW === '1';


/**
 * N rows of K weights in `type`: rows quantized from normal data by the io codecs, and — so that every code is
 * exercised, e.g. Q8_0's −128 and Q4_K's high scale bits — every third row random bytes with sane f16 scales.
 */
function weights(rng: Rng, type: number, N: number, K: number): Uint8Array {
  const t = QUANT_MATMUL_TYPES.get(type)!;
  const rowBytes = (K / t.block) * t.bytes;
  const w = new Uint8Array(N * rowBytes);
  for (let n = 0; n < N; n++) {
    const row = w.subarray(n * rowBytes, (n + 1) * rowBytes);
    if (n % 3 !== 2) {
      row.set(quantize(type, randn(rng, K, 0.05 * (1 + (n % 5)))));
      continue;
    }
    for (let i = 0; i < rowBytes; i++) row[i] = rng.int(256);
    const put16 = (at: number, h: number) => { row[at] = h & 0xff; row[at + 1] = h >> 8; };
    for (let b = 0; b < K / t.block; b++) {
      const p = b * t.bytes;
      if (type === GGML.Q8_0.id || type === GGML.Q4_0.id) put16(p, f32ToF16(0.001 * (1 + rng.uniform())));
      if (type === GGML.Q4_K.id) { put16(p, f32ToF16(0.002 * rng.uniform())); put16(p + 2, f32ToF16(0.002 * rng.uniform())); }
      if (type === GGML.Q6_K.id) put16(p + 208, f32ToF16(1e-4 * (1 + rng.uniform())));
      if (type === GGML.F16.id) put16(p, f32ToF16(0.1 * rng.normal()));
      if (type === GGML.BF16.id) put16(p, f32ToBf16(0.1 * rng.normal()));
    }
  }
  return w;
}


/** Largest |x_i − x̂_i| of each activation under the type's on-the-fly quantization (a priori, from the block scale). */
function activationErrorBound(type: number, x: Float32Array): Float64Array {
  const K = x.length;
  const e = new Float64Array(K);
  if (type === GGML.Q8_0.id || type === GGML.Q4_0.id) {
    for (let b = 0; b < K / 32; b++) {
      let amax = 0;
      for (let j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[32 * b + j]!));
      const d = Math.fround(amax / 127);
      // Half a step, plus up to 127 steps of the scale's rounding to f16 (relative 2^-11, absolute 2^-25 when subnormal).
      e.fill(0.5 * d + 127 * Math.max(d * 2 ** -11, 2 ** -25) + 1e-30, 32 * b, 32 * b + 32);
    }
  } else if (type === GGML.Q4_K.id || type === GGML.Q6_K.id) {
    quantizeRowQ8K(x).forEach((blk, b) => e.fill(Math.abs(blk.d) * (0.5 + 2 * 127 * 2 ** -24), 256 * b, 256 * b + 256));
  } else if (type === GGML.BF16.id) {
    for (let i = 0; i < K; i++) e[i] = 2 ** -9 * Math.abs(x[i]!);
  }
  return e;
}

describe(`quantized matmul (${addon ? addon.info().isa : 'addon not built'}) against the TypeScript oracles`, { skip: addon === null }, () => {
  const nk: Kernels = addon ? nativeKernels(addon) : ref;
  const quantizeActivations = addon?.quantizeActivations as QuantizeActivations;
  const threads0 = addon ? addon.info().threads : 1;
  after(() => addon?.setThreads(threads0));

  test('activation rows are byte-identical to llama.cpp reference quantizers (TS)', () => {
    const rng = new Rng(1);
    const edge = quantInputs(); // 4096 values: ties at .5, zero and constant blocks, outliers, tiny scales
    const signTie = new Float32Array(256).fill(0.25);
    signTie[10] = 3; // the first value of largest magnitude is positive …
    signTie[20] = -3; // … so the scale's sign comes from it (quantize_row_q8_K_ref keeps the first)
    for (const t of TYPES) {
      for (const x of [edge, randn(rng, 768, 0.7), signTie, new Float32Array(512)]) {
        if (x.length % t.block !== 0) continue;
        const want = activationRowBytes(t.id, x);
        const got = new Uint8Array(want.length);
        assert.equal(quantizeActivations(got, x, t.id, 1, x.length), want.length, `${t.name}: row bytes`);
        const i = got.findIndex((v, k) => v !== want[k]);
        assert.equal(i, -1, `${t.name} K=${x.length}: activation byte ${i}: native ${got[i]}, reference ${want[i]}`);
      }
    }
  });

  for (const t of TYPES) {
    test(`${t.name}: native vs the same scheme in TS, and vs the exact dequantized product`, (tc) => {
      const rng = new Rng(100 + t.id);
      let worstScheme = 0, worstExact = 0, meanExact = 0, count = 0;
      for (const K of KS) {
        for (const N of NS) {
          for (const M of MS) {
            // The TS oracles cost M·N·K interpreted steps: by default every K, N and M appears, but not N = 257
            // with M > 1 or N = 17 with M = 33 (LLAMATS_SLOW=1 runs the whole grid).
            if (!SLOW && N * M > 264) continue;
            const w = weights(rng, t.id, N, K);
            const x = activations(rng, M, K);
            const out = new Float32Array(M * N).fill(NaN);
            nk.matmulQuant!(out, x, w, t.id, { M, K, N });
            const scheme = new Float64Array(M * N), mag = new Float64Array(M * N);
            matmulQuantScheme(scheme, x, w, t.id, { M, K, N }, mag);
            const exact = new Float32Array(M * N);
            ref.matmulQuant!(exact, x, w, t.id, { M, K, N });
            const wf = new Float32Array(N * K);
            for (let n = 0; n < N; n++) ref.dequantizeRow!(wf.subarray(n * K, (n + 1) * K), w, t.id, n, K);
            for (let m = 0; m < M; m++) {
              const e = activationErrorBound(t.id, x.subarray(m * K, (m + 1) * K));
              for (let n = 0; n < N; n++) {
                let actBound = 0;
                for (let k = 0; k < K; k++) actBound += Math.abs(wf[n * K + k]!) * e[k]!;
                const i = m * N + n, got = out[i]!;
                const tol = 1e-6 * mag[i]! + 1e-30;
                const ds = Math.abs(got - scheme[i]!);
                if (!(ds <= tol)) assert.fail(`${t.name} K=${K} N=${N} M=${M} [${m},${n}]: native ${got}, scheme ${scheme[i]} (|Δ| ${ds} > ${tol})`);
                worstScheme = Math.max(worstScheme, ds / (mag[i]! || 1));
                const bound = actBound + tol + 1e-6 * Math.abs(exact[i]!);
                const de = Math.abs(got - exact[i]!);
                if (!(de <= bound)) assert.fail(`${t.name} K=${K} N=${N} M=${M} [${m},${n}]: native ${got}, exact ${exact[i]} (|Δ| ${de} > bound ${bound})`);
                if (actBound > 0) {
                  worstExact = Math.max(worstExact, de / actBound);
                  meanExact += de / actBound;
                  count++;
                }
              }
            }
          }
        }
      }
      tc.diagnostic(`${t.name}: max |native − scheme|/Σ|terms| = ${worstScheme.toExponential(2)}; ` +
        `|native − exact| / activation-quantization bound: max ${worstExact.toFixed(3)}, mean ${(meanExact / Math.max(count, 1)).toFixed(4)}`);
    });
  }

  test('1 vs 2 threads, and one row alone vs inside a batch: bit-identical', () => {
    const rng = new Rng(7);
    for (const t of TYPES) {
      const K = 512, N = 257, M = 7;
      const w = weights(rng, t.id, N, K);
      const x = activations(rng, M, K);
      addon!.setThreads(1);
      const one = new Float32Array(M * N);
      nk.matmulQuant!(one, x, w, t.id, { M, K, N });
      addon!.setThreads(2);
      const two = new Float32Array(M * N);
      nk.matmulQuant!(two, x, w, t.id, { M, K, N });
      assert.deepEqual(new Uint32Array(two.buffer), new Uint32Array(one.buffer), `${t.name}: 1 vs 2 threads`);
      for (let m = 0; m < M; m++) {
        const row = new Float32Array(N);
        nk.matmulQuant!(row, x.subarray(m * K, (m + 1) * K), w, t.id, { M: 1, K, N });
        assert.deepEqual(new Uint32Array(row.buffer), new Uint32Array(one.buffer.slice(m * N * 4, (m + 1) * N * 4)), `${t.name}: row ${m} alone vs in M=${M}`);
      }
    }
    addon!.setThreads(threads0);
  });

  test('dequantizeRow is bit-identical to the io codecs', () => {
    const rng = new Rng(8);
    for (const t of TYPES) {
      const K = 768, N = 5;
      const w = weights(rng, t.id, N, K);
      for (let n = 0; n < N; n++) {
        const a = new Float32Array(K), b = new Float32Array(K);
        nk.dequantizeRow!(a, w, t.id, n, K);
        ref.dequantizeRow!(b, w, t.id, n, K);
        assert.deepEqual(new Uint32Array(a.buffer), new Uint32Array(b.buffer), `${t.name} row ${n}`);
      }
    }
  });

  test('bad sizes and types throw RangeError in both backends', () => {
    for (const k of [nk, ref]) {
      const mq = k.matmulQuant!.bind(k), dq = k.dequantizeRow!.bind(k);
      const x = new Float32Array(4 * 512), out = new Float32Array(64);
      const w8 = new Uint8Array(4 * 16 * 34), wk = new Uint8Array(4 * 2 * 144);
      assert.throws(() => mq(out, x, w8, GGML.Q8_0.id, { M: 1, K: 48, N: 4 }), RangeError, `${k.name}: K not a multiple of 32`);
      assert.throws(() => mq(out, x, wk, GGML.Q4_K.id, { M: 1, K: 288, N: 4 }), RangeError, `${k.name}: K not a multiple of 256`);
      assert.throws(() => mq(out, x, w8, GGML.Q8_0.id, { M: 1, K: 544, N: 4 }), RangeError, `${k.name}: w too short`);
      assert.throws(() => mq(out, x, wk, GGML.Q4_K.id, { M: 5, K: 512, N: 4 }), RangeError, `${k.name}: x too short`);
      assert.throws(() => mq(new Float32Array(3), x, wk, GGML.Q4_K.id, { M: 1, K: 512, N: 4 }), RangeError, `${k.name}: out too short`);
      assert.throws(() => mq(out, x, w8, GGML.Q4_1.id, { M: 1, K: 32, N: 4 }), RangeError, `${k.name}: unsupported type`);
      assert.throws(() => mq(out, x, w8, GGML.Q8_0.id, { M: -1, K: 32, N: 4 }), RangeError, `${k.name}: negative M`);
      assert.throws(() => dq(new Float32Array(512), wk, GGML.Q4_K.id, 4, 512), RangeError, `${k.name}: row past the end`);
      assert.throws(() => dq(new Float32Array(100), wk, GGML.Q4_K.id, 0, 512), RangeError, `${k.name}: out too short`);
      assert.throws(() => dq(new Float32Array(512), wk, GGML.Q6_K.id, 0, 500), RangeError, `${k.name}: dequantize K not a multiple`);
      // Zero rows or columns are fine and write nothing.
      mq(out, x, w8, GGML.Q8_0.id, { M: 0, K: 32, N: 4 });
      mq(out, x, w8, GGML.Q8_0.id, { M: 1, K: 32, N: 0 });
    }
  });

  test('the Q8_0 activation row is llama.cpp quantize_row_q8_0_ref (cross-check of the TS helper)', () => {
    // activationRowBytes re-lays out the io quantizer's blocks; check one block by hand: amax 127 → d = 1.
    const x = new Float32Array(32);
    for (let j = 0; j < 32; j++) x[j] = j === 0 ? 127 : (j % 32) - 16 + 0.5; // ties: roundf goes away from zero
    const row = activationRowBytes(GGML.Q8_0.id, x);
    const q = new Int8Array(row.buffer, 0, 32);
    assert.equal(new DataView(row.buffer).getFloat32(32, true), 1);
    for (let j = 1; j < 32; j++) assert.equal(q[j], j - 16 + (j - 16 + 0.5 > 0 ? 1 : 0), `q[${j}]`);
    assert.deepEqual(quantizeQ8_0(x).subarray(2), new Uint8Array(q.buffer, 0, 32));
  });
});
