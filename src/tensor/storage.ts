// Float32 buffers for tensors: 64-byte aligned native memory when the addon is loaded (external ArrayBuffers,
// handed to kernels without a copy), plain ArrayBuffers otherwise. Released buffers go back to a pool keyed by
// size, so a training loop reuses the same memory every step instead of asking the OS (and page-faulting a
// fresh gigabyte) each time. The pool also keeps the accounting behind the peak-memory test.
import { nativeAddon } from './native.js';

const pool = new Map<number, ArrayBuffer[]>();
let bytesInUse = 0;
let peakBytes = 0;
let pooledBytes = 0;
/** Pooled memory above this is given back to the garbage collector instead of kept. */
const maxPooledBytes = Number(process.env.LLAMATS_POOL_MB ?? 4096) * 2 ** 20;

/** Size classes: exact below 64 KiB (many small tensors of equal size), else rounded up to 1/8 powers of two. */
function sizeClass(bytes: number): number {
  if (bytes <= 65536) return Math.max(64, Math.ceil(bytes / 64) * 64);
  const p = 2 ** Math.floor(Math.log2(bytes));
  const step = p / 8;
  return Math.ceil(bytes / step) * step;
}

function freshBuffer(bytes: number): ArrayBuffer {
  const addon = nativeAddon();
  return addon ? addon.alloc(bytes) : new ArrayBuffer(bytes);
}

/**
 * A Float32Array of n elements, zero-filled unless `zero` is false (for outputs a kernel overwrites entirely:
 * clearing a reused 256 MB logits buffer every step costs more than the softmax over it).
 */
export function allocF32(n: number, zero = true): Float32Array {
  const bytes = sizeClass(Math.max(1, n) * 4);
  const list = pool.get(bytes);
  let buf = list?.pop();
  if (buf) {
    pooledBytes -= bytes;
    if (zero) new Float32Array(buf, 0, n).fill(0);
  } else {
    buf = freshBuffer(bytes);
  }
  bytesInUse += bytes;
  if (bytesInUse > peakBytes) peakBytes = bytesInUse;
  return new Float32Array(buf, 0, n);
}

/** A zero-filled Float32Array outside the pool (freed by the garbage collector; aligned native memory if available). */
export function allocUntrackedF32(n: number): Float32Array {
  return new Float32Array(freshBuffer(Math.max(1, n) * 4), 0, n);
}

/** Returns a buffer obtained from allocF32 to the pool. The caller must not use `a` afterwards. */
export function releaseF32(a: Float32Array): void {
  const buf = a.buffer as ArrayBuffer;
  const bytes = buf.byteLength;
  bytesInUse -= bytes;
  if (pooledBytes + bytes > maxPooledBytes) return;
  let list = pool.get(bytes);
  if (!list) pool.set(bytes, (list = []));
  list.push(buf);
  pooledBytes += bytes;
}

export interface MemoryStats {
  /** Bytes held by live tensors allocated through allocF32. */
  inUse: number;
  /** High-water mark of inUse since the last resetPeak(). */
  peak: number;
  /** Bytes kept in the pool for reuse. */
  pooled: number;
}

export function memoryStats(): MemoryStats {
  return { inUse: bytesInUse, peak: peakBytes, pooled: pooledBytes };
}

export function resetPeak(): void {
  peakBytes = bytesInUse;
}

/** Drops every pooled buffer (the garbage collector frees them). */
export function clearPool(): void {
  pool.clear();
  pooledBytes = 0;
}
