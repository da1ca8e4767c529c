// MinHash (Broder 1997): for k random permutations π_i of the shingle-hash space, the signature holds
// min π_i(S). Two sets agree in one position with probability equal to their Jaccard similarity, so the
// fraction of agreeing positions estimates it with standard error √(J(1−J)/k).
//
// The permutations are π_i(x) = fmix32(x ⊕ s_i): XOR with a random 32-bit key followed by the MurmurHash3
// finaliser, a fixed bijection with full avalanche. Each π_i is a true permutation of the 2^32 hash values,
// cheap (two multiplies), and the test suite checks the estimates against exact Jaccard.
import { Rng } from '../util/rng.js';
import { fmix32 } from './hash.js';

export class MinHasher {
  private readonly keys: Uint32Array;

  constructor(
    readonly numPerm = 128,
    seed = 1,
  ) {
    const rng = new Rng(seed);
    this.keys = Uint32Array.from({ length: numPerm }, () => rng.nextU32());
  }

  /** The signature of a shingle set; an empty set gets all 0xffffffff (agrees only with other empty sets). */
  signature(shingles: Uint32Array): Uint32Array {
    const sig = new Uint32Array(this.numPerm).fill(0xffffffff);
    const keys = this.keys;
    for (let s = 0; s < shingles.length; s++) {
      const x = shingles[s]!;
      for (let i = 0; i < sig.length; i++) {
        const h = fmix32((x ^ keys[i]!) >>> 0);
        if (h < sig[i]!) sig[i] = h;
      }
    }
    return sig;
  }
}

/** Fraction of positions where two signatures agree: the MinHash estimate of Jaccard similarity. */
export function estimateJaccard(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}
