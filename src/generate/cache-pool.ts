// KV caches are the big allocation of serving (positions × layers × 2 × nKvHeads·headDim floats each), so
// finished ones are kept and reused: a new request takes the idle cache that already holds the longest prefix
// of its prompt (the previous turn of the same chat, a shared system prompt), else any big enough one.
import type { ModelConfig } from '../model/config.js';
import { PromptCache } from './prompt-cache.js';

/** Capacities are rounded up to this many positions, so caches fit more requests than the one they were made for. */
const GRANULE = 256;

export class CachePool {
  private idle: PromptCache[] = [];

  /** maxLength: the longest context served (≤ the model's maxSeqLen); maxIdle: caches kept when unused. */
  constructor(readonly config: ModelConfig, readonly maxLength: number, readonly maxIdle = 8) {}

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
    if (best >= 0) return this.idle.splice(best, 1)[0]!;
    return new PromptCache(this.config, Math.min(this.maxLength, Math.ceil(positions / GRANULE) * GRANULE));
  }

  /** Gives a cache back; the oldest idle ones are dropped beyond maxIdle. */
  release(c: PromptCache): void {
    this.idle.push(c);
    if (this.idle.length > this.maxIdle) this.idle.shift();
  }

  /** Bytes held by idle caches. */
  get idleBytes(): number {
    return this.idle.reduce((s, c) => s + c.cache.bytes, 0);
  }
}
