// Elementwise kernels and float64 reductions (TS reference; native/kernels/elementwise, native/kernels/reduce).
import { checkLen } from './check.js';
import type { Floats } from './floats.js';

function check3(op: string, x: Floats, y: Floats, z: Floats | null, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${op}: n: expected an integer ≥ 0, got ${n}`);
  checkLen(op, 'first array', x, n);
  checkLen(op, 'second array', y, n);
  if (z !== null) checkLen(op, 'third array', z, n);
}

export function add(out: Floats, a: Floats, b: Floats, n: number): void {
  check3('add', out, a, b, n);
  for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
}

export function mul(out: Floats, a: Floats, b: Floats, n: number): void {
  check3('mul', out, a, b, n);
  for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
}

export function scale(out: Floats, a: Floats, s: number, n: number): void {
  check3('scale', out, a, null, n);
  for (let i = 0; i < n; i++) out[i] = a[i] * s;
}

/**
 * y += alpha·x. On Float32Arrays it rounds twice (alpha·x to f32, then the sum), exactly as the native kernels do
 * without FMA, so the two backends agree bit for bit.
 */
export function axpy(y: Floats, alpha: number, x: Floats, n: number): void {
  check3('axpy', y, x, null, n);
  if (y instanceof Float32Array) {
    const a = Math.fround(alpha);
    for (let i = 0; i < n; i++) y[i] += Math.fround(a * x[i]);
  } else {
    for (let i = 0; i < n; i++) y[i] += alpha * x[i];
  }
}

/** Σ x[i] in float64, left to right. */
export function sum(x: Floats, n: number): number {
  check3('sum', x, x, null, n);
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  return s;
}

/** Σ x[i]² in float64, left to right. */
export function sumSquares(x: Floats, n: number): number {
  check3('sumSquares', x, x, null, n);
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i] * x[i];
  return s;
}
