// The kernel backend llamats runs on: the native addon when it loaded (src/tensor/native.ts), else the
// TypeScript reference. LLAMATS_BACKEND=ts forces the reference.
import type { Kernels } from './kernels.js';
import { nativeAddon } from './native.js';
import { nativeKernels } from './native-kernels.js';
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
