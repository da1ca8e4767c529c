// Matrix product, the TypeScript reference (native: native/kernels/matmul/). C = op(A)·op(B) or C += …,
// row-major, batched; float64 accumulation, one rounding per stored element. It is the oracle of the native
// SGEMM tests and the fallback backend, so it is written for clarity first, then for a cache-friendly loop order:
// each row of op(A) is gathered once into a float64 row, and the inner loop always walks memory contiguously
// (a dot product over a row of B when B is stored [N, K], an axpy over a row of B when B is stored [K, N]).
import type { MatmulDims } from '../kernels.js';
import type { Floats } from './floats.js';

function checkInt(name: string, v: number | undefined, min: number): number {
  if (v === undefined || !Number.isInteger(v) || v < min) throw new RangeError(`matmul: dims.${name}: expected an integer ≥ ${min}, got ${v}`);
  return v;
}

function checkLen(name: string, arr: Floats, need: number): void {
  if (arr.length < need) throw new RangeError(`matmul: ${name}: has ${arr.length} elements, needs ${need}`);
}

/** Elements an operand of `batch` matrices of `size` elements, `stride` apart, must hold. */
export function batchedLength(batch: number, stride: number, size: number): number {
  return batch === 0 || size === 0 ? 0 : (batch - 1) * stride + size;
}

/** The dims with defaults filled in and every field checked (RangeError, like the native binding). */
export function matmulShape(d: MatmulDims): Required<MatmulDims> {
  const M = checkInt('M', d.M, 0), K = checkInt('K', d.K, 0), N = checkInt('N', d.N, 0);
  const batch = checkInt('batch', d.batch ?? 1, 0);
  return {
    M, K, N, batch,
    transA: !!d.transA, transB: !!d.transB, accumulate: !!d.accumulate,
    strideA: checkInt('strideA', d.strideA ?? M * K, 0),
    strideB: checkInt('strideB', d.strideB ?? K * N, 0),
    strideC: checkInt('strideC', d.strideC ?? M * N, 0),
  };
}

/**
 * C[b] = op(A[b])·op(B[b]) (or +=) for b = 0 … batch−1, in that order (so a C stride of 0 sums the batch when
 * accumulating). op(A) is M×K: A is stored [M, K], or [K, M] when transA. op(B) is K×N: B is stored [K, N], or
 * [N, K] when transB. c must not overlap a or b.
 */
export function matmul(c: Floats, a: Floats, b: Floats, d: MatmulDims): void {
  const s = matmulShape(d);
  const { M, K, N, batch } = s;
  checkLen('a', a, batchedLength(batch, s.strideA, M * K));
  checkLen('b', b, batchedLength(batch, s.strideB, K * N));
  checkLen('c', c, batchedLength(batch, s.strideC, M * N));
  const arow = new Float64Array(K);
  const acc = new Float64Array(N);
  for (let bi = 0; bi < batch; bi++) {
    const oa = bi * s.strideA, ob = bi * s.strideB, oc = bi * s.strideC;
    for (let i = 0; i < M; i++) {
      // Row i of op(A), contiguous in float64.
      if (s.transA) for (let k = 0; k < K; k++) arow[k] = a[oa + k * M + i]!;
      else for (let k = 0; k < K; k++) arow[k] = a[oa + i * K + k]!;
      if (s.transB) {
        // B stored [N, K]: C[i, j] is the dot product of two contiguous rows.
        for (let j = 0; j < N; j++) {
          const bj = ob + j * K;
          let sum = 0;
          for (let k = 0; k < K; k++) sum += arow[k]! * b[bj + k]!;
          acc[j] = sum;
        }
      } else {
        // B stored [K, N]: accumulate row k of B, scaled by A[i, k], into the output row.
        acc.fill(0);
        for (let k = 0; k < K; k++) {
          const aik = arow[k]!, bk = ob + k * N;
          for (let j = 0; j < N; j++) acc[j] += aik * b[bk + j]!;
        }
      }
      const ci = oc + i * N;
      if (s.accumulate) for (let j = 0; j < N; j++) c[ci + j] += acc[j]!;
      else for (let j = 0; j < N; j++) c[ci + j] = acc[j]!;
    }
  }
}
