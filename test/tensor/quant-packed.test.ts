// Q8_0 / Q4_0 products on weights repacked at load time (native/kernels/qpack/, 16 rows interleaved) against
// the TypeScript scheme oracle (exact integer block sums, float64 over blocks), on the tier the addon picked:
//   - |packed − scheme| ≤ 1e-6·Σ|terms| for K = 32 … 4096 (odd block counts), N around the 16-row group
//     (1, 15, 16, 17, 33, 257: tail groups padded with zero rows), M around the 8-row tile (1, 2, 7, 8, 9, 33);
//   - packed ≈ unpacked (matmulQuant on the GGUF blocks) within the same tolerance;
//   - 1 vs 2 threads, and row m of an M-row product vs the row alone: bit for bit;
//   - packForInference + linearInto use the packed copy where the backend packs, and give the scheme's result;
//   - short arrays and types without a packed layout → RangeError.
// quant-matmul-isa.test.ts runs this file again on avx2 and scalar (their packed product is the scalar one).
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { quantize } from '../../src/io/quant/codec.js';
import { GGML } from '../../src/io/quant/types.js';
import { f32ToF16 } from '../../src/io/quant/f16.js';
import { linearInto, packForInference, rowInto, unpackForInference, type WeightMatrix } from '../../src/model/weights.js';
import { unpackQuant } from '../../src/tensor/ref/quant-packed.js';
import { kernels } from '../../src/tensor/backend.js';
import { nativeAddon } from '../../src/tensor/native.js';
import type { NativeKernelFns } from '../../src/tensor/native-kernels.js';
import { matmulQuantScheme } from '../../src/tensor/ref/quant-matmul.js';
import { Rng } from '../../src/util/rng.js';
import { quantActivations as activations, randn } from './matmul-helpers.js';

const addon = nativeAddon();
const fns = addon as unknown as NativeKernelFns | null;
const TYPES = [{ name: 'Q8_0', ...GGML.Q8_0 }, { name: 'Q4_0', ...GGML.Q4_0 }];

/** N rows: quantized normal data, every third row random codes (Q8_0's −128 included) with small f16 scales. */
function weights(rng: Rng, type: { id: number; bytes: number }, N: number, K: number): Uint8Array {
  const rowBytes = (K / 32) * type.bytes;
  const w = new Uint8Array(N * rowBytes);
  for (let n = 0; n < N; n++) {
    const row = w.subarray(n * rowBytes, (n + 1) * rowBytes);
    if (n % 3 !== 2) {
      row.set(quantize(type.id, randn(rng, K, 0.05 * (1 + (n % 5)))));
      continue;
    }
    for (let i = 0; i < rowBytes; i++) row[i] = rng.int(256);
    for (let b = 0; b < K / 32; b++) {
      const h = f32ToF16(0.001 * (1 + rng.uniform()));
      row[b * type.bytes] = h & 0xff;
      row[b * type.bytes + 1] = h >> 8;
    }
  }
  return w;
}


const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

describe(`packed quantized matmul (${addon ? addon.info().isa : 'addon not built'})`, { skip: fns === null || typeof fns?.packQuant !== 'function' }, () => {
  const f = fns!;
  const threads0 = addon ? addon.info().threads : 1;
  after(() => addon?.setThreads(threads0));

  for (const t of TYPES) {
    test(`${t.name}: packed vs the scheme oracle and vs the unpacked kernel`, (tc) => {
      const rng = new Rng(300 + t.id);
      let worst = 0;
      for (const K of [32, 96, 256, 4096]) {
        for (const N of [1, 15, 16, 17, 33, 257]) {
          for (const M of [1, 2, 7, 8, 9, 33]) {
            if (N * M * K > 257 * 9 * 256 && !(M === 1 || N <= 17)) continue; // keep the float64 oracle quick
            const w = weights(rng, t, N, K);
            const x = activations(rng, M, K);
            const p = f.packQuant(w, t.id, N, K, true)!;
            assert.ok(p instanceof Uint8Array, `${t.name}: packQuant(force) returns the packed copy`);
            assert.equal(p.length, Math.ceil(N / 16) * 16 * (K / 32) * t.bytes, `${t.name} N=${N} K=${K}: packed size`);
            assert.deepEqual(unpackQuant(p, t.id, N, K), w, `${t.name} N=${N} K=${K}: the TS mirror of the layout unpacks the native packing`);
            const got = new Float32Array(M * N).fill(NaN), plain = new Float32Array(M * N).fill(NaN);
            f.matmulQuantPacked(got, x, p, t.id, M, K, N);
            f.matmulQuant(plain, x, w, t.id, M, K, N);
            const scheme = new Float64Array(M * N), mag = new Float64Array(M * N);
            matmulQuantScheme(scheme, x, w, t.id, { M, K, N }, mag);
            for (let i = 0; i < M * N; i++) {
              const tol = 1e-6 * mag[i]! + 1e-30;
              const d = Math.abs(got[i]! - scheme[i]!);
              if (!(d <= tol)) assert.fail(`${t.name} K=${K} N=${N} M=${M} [${Math.floor(i / N)},${i % N}]: packed ${got[i]}, scheme ${scheme[i]} (|Δ| ${d} > ${tol})`);
              const dp = Math.abs(got[i]! - plain[i]!);
              if (!(dp <= 2 * tol)) assert.fail(`${t.name} K=${K} N=${N} M=${M} [${i}]: packed ${got[i]}, unpacked ${plain[i]}`);
              worst = Math.max(worst, d / (mag[i]! || 1));
            }
          }
        }
      }
      tc.diagnostic(`${t.name}: max |packed − scheme|/Σ|terms| = ${worst.toExponential(2)}`);
    });

    test(`${t.name}: 1 vs 2 threads, one row alone vs inside a batch: bit-identical`, () => {
      const rng = new Rng(400 + t.id);
      const K = 544, N = 77, M = 19;
      const w = weights(rng, t, N, K);
      const p = f.packQuant(w, t.id, N, K, true)!;
      const x = activations(rng, M, K);
      addon!.setThreads(1);
      const one = new Float32Array(M * N);
      f.matmulQuantPacked(one, x, p, t.id, M, K, N);
      addon!.setThreads(2);
      const two = new Float32Array(M * N);
      f.matmulQuantPacked(two, x, p, t.id, M, K, N);
      assert.deepEqual(bits(two), bits(one), `${t.name}: 1 vs 2 threads`);
      for (let m = 0; m < M; m++) {
        const row = new Float32Array(N);
        f.matmulQuantPacked(row, x.subarray(m * K, (m + 1) * K), p, t.id, 1, K, N);
        assert.deepEqual(bits(row), bits(one.subarray(m * N, (m + 1) * N)), `${t.name}: row ${m} alone vs in M=${M}`);
      }
      addon!.setThreads(threads0);
    });
  }

  test('packForInference: packed where the backend packs, and linearInto gives the scheme result', () => {
    const rng = new Rng(9);
    const K = 288, N = 40, M = 3;
    for (const t of TYPES) {
      const w: WeightMatrix = { kind: 'quant', rows: N, cols: K, ggmlType: t.id, bytes: weights(rng, t, N, K) };
      const pw = packForInference(w);
      const k = kernels();
      assert.equal(pw.kind === 'packed', addon!.info().isa === 'avx512' && k.packQuant !== undefined, `${t.name}: packed only on AVX-512`);
      if (pw.kind === 'packed') {
        assert.deepEqual(unpackForInference(pw), w, `${t.name}: unpacking gives the GGUF blocks back`);
        const row = new Float32Array(K), want = new Float32Array(K);
        for (const r of [0, 17, N - 1]) {
          rowInto(row, pw, r);
          rowInto(want, w, r);
          assert.deepEqual(row, want, `${t.name}: row ${r} of the packed matrix`);
        }
      }
      const x = activations(rng, M, K);
      const out = new Float32Array(M * N);
      linearInto(out, x, pw, M);
      const scheme = new Float64Array(M * N), mag = new Float64Array(M * N);
      matmulQuantScheme(scheme, x, w.bytes, t.id, { M, K, N }, mag);
      for (let i = 0; i < M * N; i++) assert.ok(Math.abs(out[i]! - scheme[i]!) <= 1e-6 * mag[i]! + 1e-30, `${t.name} [${i}]: ${out[i]} vs ${scheme[i]}`);
      // Other types, and F32 matrices, pass through unchanged.
      const q4k: WeightMatrix = { kind: 'quant', rows: 1, cols: 256, ggmlType: GGML.Q4_K.id, bytes: new Uint8Array(144) };
      assert.equal(packForInference(q4k), q4k);
    }
  });

  test('bad sizes and types throw RangeError', () => {
    const K = 64, N = 17, M = 2;
    const w = new Uint8Array(N * 2 * 34);
    const p = f.packQuant(w, GGML.Q8_0.id, N, K, true)!;
    const x = new Float32Array(M * K), out = new Float32Array(M * N);
    assert.throws(() => f.matmulQuantPacked(out, x, p.subarray(0, p.length - 1), GGML.Q8_0.id, M, K, N), RangeError, 'packed too short');
    assert.throws(() => f.matmulQuantPacked(out, x, p, GGML.Q8_0.id, M, K, N + 16), RangeError, 'out too short for N');
    assert.throws(() => f.matmulQuantPacked(new Float32Array(1), new Float32Array(256), p, GGML.Q4_K.id, 1, 256, 1), RangeError, 'no packed layout for Q4_K');
    assert.throws(() => f.packQuant(w, GGML.Q8_0.id, N + 1, K, true), RangeError, 'w too short');
    assert.equal(f.packQuant(new Uint8Array(144), GGML.Q4_K.id, 1, 256, true), undefined, 'Q4_K is not packed');
  });
});
