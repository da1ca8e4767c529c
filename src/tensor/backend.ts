// The kernel backend llamats runs on: the native addon when it loaded (src/tensor/native.ts), else the
// TypeScript reference. LLAMATS_BACKEND=ts forces the reference.
import type { Kernels } from './kernels.js';
import { nativeAddon } from './native.js';
import { matmulSettings, nativeKernels } from './native-kernels.js';
import { refKernels } from './ref/index.js';

export { refKernels };

let active: Kernels | null = null;

/** The active backend, chosen once on first use. */
export function kernels(): Kernels {
  if (active === null) {
    const addon = nativeAddon();
    active = addon ? nativeKernels(addon) : refKernels;
  }
  return active;
}

/** 'native/avx512', 'native/avx2', 'native/scalar' or 'ts'. */
export function backendName(): string {
  return kernels().name;
}

/** Sets the native thread-pool size (results do not depend on it); returns the threads in use (1 for 'ts'). */
export function setThreads(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setThreads: expected an integer ≥ 1, got ${n}`);
  const addon = kernels() === refKernels ? null : nativeAddon();
  return addon ? addon.setThreads(n) : 1;
}

/**
 * Precision of the matrix products: 'f32' (the default), or 'bf16' — operands rounded to bfloat16, float32 sums,
 * on AMX tiles (2.5-6× faster training products, relative error ~2e-3; decode-sized products stay float32).
 * Returns the precision in effect: 'f32' wherever AMX bf16 is unavailable (no AMX, no native addon).
 */
export function setMatmulPrecision(precision: 'f32' | 'bf16'): 'f32' | 'bf16' {
  const addon = kernels() === refKernels ? null : nativeAddon();
  const effective = precision === 'bf16' && (addon as { matmulBf16?: boolean } | null)?.matmulBf16 === true ? 'bf16' : 'f32';
  matmulSettings.precision = effective;
  return effective;
}

/** Back to the default precision (float32, or what LLAMATS_MATMUL says). */
export function resetMatmulPrecision(): void {
  matmulSettings.precision = undefined;
}
