// 32-bit hashing for shingles, MinHash permutations and feature hashing. Integer arithmetic only
// (Math.imul), so every platform computes the same values and runs are reproducible bit for bit.

/** MurmurHash3's finaliser (Appleby 2011): a bijection on 32-bit integers with full avalanche. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over UTF-16 code units, finalised with fmix32 so that similar strings land far apart. */
export function hashString(s: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return fmix32(h);
}

/** Order-dependent combination of two hashes (for n-grams of word hashes). */
export function combineHash(h: number, x: number): number {
  return fmix32((Math.imul(h, 0x9e3779b1) ^ x) >>> 0);
}
