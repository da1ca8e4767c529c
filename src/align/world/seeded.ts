// Named random streams. Each part of the world draws from its own stream, derived from the world seed and a key
// ("kb", "sample/train/0", …), so that asking for more held-out prompts never changes the train prompts and the
// split of a fact never depends on the order in which it was drawn.
import { Rng } from '../../util/rng.js';

/** FNV-1a over the UTF-16 code units of `key`, mixed with the seed; 32-bit. */
export function hash32(seed: number, key: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // Final avalanche (murmur3 fmix32) so that nearby keys give unrelated values.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** A uniform number in [0, 1) fixed by (seed, key). */
export function hash01(seed: number, key: string): number {
  return hash32(seed, key) / 4294967296;
}

/** An independent generator for the stream named `key`. */
export function rngFor(seed: number, key: string): Rng {
  return new Rng(hash32(seed, key));
}

/** Picks an index with probability proportional to `weights` (all ≥ 0, sum > 0). */
export function pickWeighted(rng: Rng, weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let u = rng.uniform() * total;
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i]!;
    if (u < 0) return i;
  }
  return weights.length - 1;
}

/** An integer in [lo, hi], both included. */
export function intIn(rng: Rng, lo: number, hi: number): number {
  return lo + rng.int(hi - lo + 1);
}
