// Shared by test/tensor/matmul.test.ts and its per-ISA child process: random operands, the native call, and
// the comparison with the float64 TypeScript reference.
import type { MatmulDims } from '../../src/tensor/kernels.js';
import { nativeAddon } from '../../src/tensor/native.js';
import { batchedLength, matmul as refMatmul, matmulShape } from '../../src/tensor/ref/matmul.js';
import { Rng } from '../../src/util/rng.js';

export type MatmulFn = (c: Float32Array, a: Float32Array, b: Float32Array, d: MatmulDims) => void;

export function nativeMatmul(): MatmulFn | null {
  const addon = nativeAddon();
  return addon ? (addon.matmul as MatmulFn) : null;
}

export function randn(rng: Rng, n: number, scale = 1): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = scale * rng.normal();
  return x;
}

/** Activations for quantized products: normal rows at a few scales, a zero row and a row with one large outlier. */
export function quantActivations(rng: Rng, M: number, K: number): Float32Array {
  const x = randn(rng, M * K);
  for (let m = 0; m < M; m++) {
    const row = x.subarray(m * K, (m + 1) * K);
    if (m % 7 === 3) row.fill(0);
    else if (m % 7 === 5) row[rng.int(K)] = -40;
    else for (let k = 0; k < K; k++) row[k]! *= 0.3 * (1 + (m % 4));
  }
  return x;
}

export interface Operands {
  a: Float32Array;
  b: Float32Array;
  c: Float32Array;
}

/** Random a, b and an initial c sized for d. */
export function operands(rng: Rng, d: MatmulDims): Operands {
  const s = matmulShape(d);
  return {
    a: randn(rng, batchedLength(s.batch, s.strideA, s.M * s.K)),
    b: randn(rng, batchedLength(s.batch, s.strideB, s.K * s.N)),
    c: randn(rng, batchedLength(s.batch, s.strideC, s.M * s.N)),
  };
}

const EPS32 = 2 ** -23;

/**
 * Largest |got − ref| / tol over all elements of c, where ref is the float64 reference and
 * tol = (4·sqrt(K) + 2)·eps32·(Σ_k |a_ik·b_kj| + |c0|) — the error of an f32 FMA chain over K terms, with room —
 * plus inputRel·Σ_k |a_ik·b_kj| when the inputs were rounded first (bf16: 2·2^-8 covers both operands' rounding).
 * ≤ 1 passes. Elements the product does not cover must be untouched.
 */
export function errorRatio(got: Float32Array, o: Operands, d: MatmulDims, inputRel = 0): number {
  const s = matmulShape(d);
  const want = Float64Array.from(o.c);
  refMatmul(want, o.a, o.b, d);
  // Σ|a||b| (+|c0| when accumulating) from the same reference on absolute values.
  const mag = Float64Array.from(o.c, (v) => (s.accumulate ? Math.abs(v) : 0));
  refMatmul(mag, o.a.map(Math.abs), o.b.map(Math.abs), { ...d, accumulate: true });
  const prod = new Float64Array(got.length); // Σ|a||b| alone
  if (inputRel > 0) refMatmul(prod, o.a.map(Math.abs), o.b.map(Math.abs), { ...d, accumulate: true });
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    const tol = (4 * Math.sqrt(s.K) + 2) * EPS32 * mag[i]! + inputRel * prod[i]! + 1e-30;
    const r = Math.abs(got[i]! - want[i]!) / tol;
    if (!(r <= worst)) worst = Number.isNaN(r) ? Infinity : r;
  }
  return worst;
}

/** Runs the native matmul on a copy of c and returns the error ratio against the reference. */
export function checkNative(fn: MatmulFn, rng: Rng, d: MatmulDims): number {
  const o = operands(rng, d);
  const got = o.c.slice();
  fn(got, o.a, o.b, d);
  return errorRatio(got, o, d);
}

/** Every (M, K, N) over the sizes 1, 3, 17, 63, 257, each in two of the 8 (transA, transB, accumulate) combinations. */
export function oddShapes(): MatmulDims[] {
  const sizes = [1, 3, 17, 63, 257];
  const out: MatmulDims[] = [];
  let t = 0;
  for (const M of sizes)
    for (const K of sizes)
      for (const N of sizes) {
        for (const f of [t % 8, (t + 4) % 8]) out.push({ M, K, N, transA: (f & 1) !== 0, transB: (f & 2) !== 0, accumulate: (f & 4) !== 0 });
        t += 3;  // coprime with 8: the flag pairs rotate through all combinations
      }
  return out;
}
