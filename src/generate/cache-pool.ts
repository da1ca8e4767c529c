// KV caches are the big allocation of serving (positions × layers × 2 × nKvHeads·headDim floats each). The pool
// keeps the bytes of all caches, in use or idle, under a budget, and reuses finished ones: a new request takes
// the idle cache that already holds the longest prefix of its prompt (the previous turn of the same chat, a
// shared system prompt), else any big enough one; idle caches are dropped, oldest first, to make room.
import type { ModelConfig } from '../model/config.js';
import { PromptCache } from './prompt-cache.js';

/** Capacities are rounded up to this many positions, so caches fit more requests than the one they were made for. */
const GRANULE = 256;

export class CachePool {
  private idle: PromptCache[] = [];
  /** Bytes of the caches handed out and not yet given back. */
  private liveBytes = 0;

  /**
   * maxLength: the longest context served (≤ the model's maxSeqLen); maxBytes: all caches together;
   * maxIdle: caches kept when unused.
   */
  constructor(
    readonly config: ModelConfig,
    readonly maxLength: number,
    readonly maxBytes = Infinity,
    readonly maxIdle = 8,
  ) {}

  /** Bytes of a cache made for `positions` positions (rounded up as acquire rounds). */
  bytesFor(positions: number): number {
    const c = this.config;
    return 2 * c.nLayers * c.nKvHeads * c.headDim * 4 * this.capacityFor(positions);
  }

  /** Whether `count` new caches of `positions` positions fit the budget now (idle ones can be dropped). */
  fits(positions: number, count = 1): boolean {
    return this.liveBytes + count * this.bytesFor(positions) <= this.maxBytes;
  }

  /** A cache of at least `positions` positions, preferring the one that can reuse most of `prompt`. */
  acquire(positions: number, prompt: readonly number[] = []): PromptCache {
    let best = -1;
    let bestReuse = -1;
    for (let i = 0; i < this.idle.length; i++) {
      const c = this.idle[i]!;
      if (c.capacity < positions) continue;
      const reuse = prompt.length > 0 ? c.reusable(prompt) : 0;
      if (reuse > bestReuse || (reuse === bestReuse && c.capacity < this.idle[best]!.capacity)) {
        best = i;
        bestReuse = reuse;
      }
    }
    const cache = best >= 0 ? this.idle.splice(best, 1)[0]! : this.allocate(positions);
    this.liveBytes += cache.cache.bytes;
    return cache;
  }

  /** Gives a cache back; idle ones beyond maxIdle are dropped, oldest first. */
  release(c: PromptCache): void {
    this.liveBytes -= c.cache.bytes;
    this.idle.push(c);
    if (this.idle.length > this.maxIdle) this.idle.shift();
  }

  /** Bytes held by idle caches. */
  get idleBytes(): number {
    return this.idle.reduce((s, c) => s + c.cache.bytes, 0);
  }

  private capacityFor(positions: number): number {
    return Math.min(this.maxLength, Math.ceil(positions / GRANULE) * GRANULE);
  }

  private allocate(positions: number): PromptCache {
    const bytes = this.bytesFor(positions);
    while (this.idle.length > 0 && this.liveBytes + this.idleBytes + bytes > this.maxBytes) this.idle.shift();
    return new PromptCache(this.config, this.capacityFor(positions));
  }
}
