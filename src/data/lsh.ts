// Locality-sensitive hashing over MinHash signatures (Indyk & Motwani 1998; Leskovec, Rajaraman & Ullman,
// "Mining of Massive Datasets" §3.4): cut each signature into b bands of r rows; two documents become a
// candidate pair when all r rows of some band agree. A pair of similarity s is a candidate with probability
// P(s) = 1 − (1 − s^r)^b, an S-curve whose steepest point sits near (1/b)^(1/r).
import { hashString } from './hash.js';

export const candidateProbability = (s: number, bands: number, rows: number): number => 1 - (1 - s ** rows) ** bands;

/** Where the S-curve rises: the similarity with P(s) ≈ 1/2 is close to (1/b)^(1/r). */
export const sCurveThreshold = (bands: number, rows: number): number => (1 / bands) ** (1 / rows);

export interface Banding {
  bands: number;
  rows: number;
  /** ∫₀ᵗ P(s) ds: mass of dissimilar pairs that still become candidates (costs verification work only). */
  falsePositiveArea: number;
  /** ∫ₜ¹ 1 − P(s) ds: mass of similar pairs never compared (lost recall, unrecoverable). */
  falseNegativeArea: number;
}

/** The b × r ≤ numPerm minimising w·FP + (1−w)·FN areas around `threshold` (as datasketch's MinHashLSH does).
 * Candidates are verified afterwards, so false positives only cost time and the default weight favours
 * recall: for 128 permutations and t = 0.8 it picks 16 bands × 8 rows, P(0.8) = 0.947, P(0.85) = 0.994. */
export function chooseBanding(numPerm: number, threshold: number, fpWeight = 0.05): Banding {
  const integrate = (f: (s: number) => number, a: number, b: number) => {
    const n = 200;
    let sum = 0;
    for (let i = 0; i <= n; i++) sum += (i === 0 || i === n ? 0.5 : 1) * f(a + ((b - a) * i) / n);
    return (sum * (b - a)) / n;
  };
  let best: Banding | null = null;
  let bestCost = Infinity;
  for (let bands = 1; bands <= numPerm; bands++) {
    for (let rows = 1; bands * rows <= numPerm; rows++) {
      const fp = integrate((s) => candidateProbability(s, bands, rows), 0, threshold);
      const fn = integrate((s) => 1 - candidateProbability(s, bands, rows), threshold, 1);
      const cost = fpWeight * fp + (1 - fpWeight) * fn;
      if (cost < bestCost - 1e-15) [best, bestCost] = [{ bands, rows, falsePositiveArea: fp, falseNegativeArea: fn }, cost];
    }
  }
  return best!;
}

/** Candidate pairs [i, j] (i < j) sharing at least one band bucket. Buckets larger than `maxBucket` (many
 * copies of one text) are linked as a star around their first member, which joins the same cluster with
 * linear instead of quadratic work. */
export function lshCandidates(signatures: readonly Uint32Array[], bands: number, rows: number, maxBucket = 64): [number, number][] {
  const seen = new Set<number>();
  const pairs: [number, number][] = [];
  const n = signatures.length;
  const add = (i: number, j: number) => {
    const [a, b] = i < j ? [i, j] : [j, i];
    const key = a * n + b;
    if (!seen.has(key)) {
      seen.add(key);
      pairs.push([a, b]);
    }
  };
  for (let band = 0; band < bands; band++) {
    const buckets = new Map<string, number[]>();
    for (let d = 0; d < n; d++) {
      const rowsOf = signatures[d]!.subarray(band * rows, (band + 1) * rows);
      const key = `${hashString(rowsOf.join(','))}:${rowsOf[0]}`;
      const bucket = buckets.get(key);
      if (bucket) bucket.push(d);
      else buckets.set(key, [d]);
    }
    for (const bucket of buckets.values()) {
      if (bucket.length < 2) continue;
      if (bucket.length > maxBucket) for (let k = 1; k < bucket.length; k++) add(bucket[0]!, bucket[k]!);
      else for (let x = 0; x < bucket.length; x++) for (let y = x + 1; y < bucket.length; y++) add(bucket[x]!, bucket[y]!);
    }
  }
  return pairs;
}
