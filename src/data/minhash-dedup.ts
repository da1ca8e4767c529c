// Document-level near-duplicate removal (Llama 3 §3.1.1: "global MinHash de-duplication across the entire
// dataset"): shingle → MinHash signature → LSH candidate pairs → verify each pair's Jaccard ≥ threshold →
// union-find clusters → keep the first document of each cluster in input order, remove the others.
import { ConfigError } from '../util/errors.js';
import { estimateTokens, type CountTokens, type Doc } from './doc.js';
import { removal, type FilterStep } from './filter-step.js';
import { chooseBanding, lshCandidates } from './lsh.js';
import { estimateJaccard, MinHasher } from './minhash.js';
import { jaccard, shingleSet } from './shingles.js';
import { UnionFind } from './union-find.js';

export interface MinHashDedupConfig {
  /** Number of permutations k (default 128). */
  numPerm: number;
  /** Word n-gram size of the shingles (default 5, see shingles.ts). */
  ngram: number;
  /** Jaccard similarity at or above which two documents are duplicates (default 0.8, Lee et al. 2022). */
  threshold: number;
  /** LSH bands × rows; null picks them with chooseBanding (16 × 8 for 128 permutations at 0.8). */
  bands: number | null;
  rows: number | null;
  /** How candidates are confirmed: the exact Jaccard of the shingle sets, or the MinHash estimate (which needs
   * no shingle sets in memory, at the cost of ±√(J(1−J)/k) noise around the threshold). */
  verify: 'exact' | 'minhash';
  seed: number;
}

export const MINHASH_DEFAULTS: MinHashDedupConfig = { numPerm: 128, ngram: 5, threshold: 0.8, bands: null, rows: null, verify: 'exact', seed: 1 };

export interface DuplicatePair {
  a: number;
  b: number;
  /** The similarity the decision used (exact or estimated, per `verify`). */
  similarity: number;
}

export interface CandidatePair {
  a: number;
  b: number;
  exact: number;
  estimate: number;
}

export interface NearDuplicates {
  /** Verified pairs (indices into the input). */
  pairs: DuplicatePair[];
  /** Every LSH candidate with both similarities, so a report can compare the two ways of verifying. */
  candidatePairs: CandidatePair[];
  candidates: number;
  bands: number;
  rows: number;
  /** Cluster representative of every document (index of the first member). */
  clusterOf: Int32Array;
  shingles: Uint32Array[];
}

/** Finds near-duplicate pairs and clusters without removing anything (the evaluation uses this directly). */
export function findNearDuplicates(docs: readonly Doc[], config: Partial<MinHashDedupConfig> = {}): NearDuplicates {
  const c = { ...MINHASH_DEFAULTS, ...config };
  if (!(c.threshold > 0 && c.threshold <= 1)) throw new ConfigError('minhash', 'threshold', 'a number in (0, 1]', String(c.threshold));
  const banding = c.bands !== null && c.rows !== null ? { bands: c.bands, rows: c.rows } : chooseBanding(c.numPerm, c.threshold);
  if (banding.bands * banding.rows > c.numPerm) {
    throw new ConfigError('minhash', 'bands × rows', `at most numPerm = ${c.numPerm}`, `${banding.bands} × ${banding.rows}`);
  }
  const hasher = new MinHasher(c.numPerm, c.seed);
  const shingles = docs.map((d) => shingleSet(d.text, c.ngram));
  const sigs = shingles.map((s) => hasher.signature(s));
  const candidates = lshCandidates(sigs, banding.bands, banding.rows);
  const candidatePairs = candidates.map(([a, b]) => ({ a, b, exact: jaccard(shingles[a]!, shingles[b]!), estimate: estimateJaccard(sigs[a]!, sigs[b]!) }));
  const { pairs, clusterOf } = clusterPairs(docs.length, candidatePairs, c.verify, c.threshold);
  return { pairs, candidatePairs, candidates: candidates.length, ...banding, clusterOf, shingles };
}

/** Verified pairs and clusters (representative = earliest member, so "keep the first" does not depend on the
 * order of unions) from candidates, verifying with the exact or the estimated similarity. */
export function clusterPairs(n: number, candidates: readonly CandidatePair[], verify: MinHashDedupConfig['verify'], threshold: number): { pairs: DuplicatePair[]; clusterOf: Int32Array } {
  const pairs: DuplicatePair[] = [];
  const uf = new UnionFind(n);
  for (const p of candidates) {
    const similarity = verify === 'exact' ? p.exact : p.estimate;
    if (similarity >= threshold) {
      pairs.push({ a: p.a, b: p.b, similarity });
      uf.union(p.a, p.b);
    }
  }
  const first = new Map<number, number>();
  const clusterOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const root = uf.find(i);
    if (!first.has(root)) first.set(root, i);
    clusterOf[i] = first.get(root)!;
  }
  return { pairs, clusterOf };
}

export function minhashDedup(docs: readonly Doc[], config: Partial<MinHashDedupConfig> = {}, countTokens: CountTokens = estimateTokens, found = findNearDuplicates(docs, config)): FilterStep {
  const best = new Map<number, DuplicatePair>();
  for (const p of found.pairs) for (const i of [p.a, p.b]) if (!best.has(i) || best.get(i)!.similarity < p.similarity) best.set(i, p);
  const kept: Doc[] = [];
  const removed = [];
  for (let i = 0; i < docs.length; i++) {
    const rep = found.clusterOf[i]!;
    if (rep === i) kept.push(docs[i]!);
    else {
      const p = best.get(i)!;
      const other = p.a === i ? p.b : p.a;
      removed.push(removal(docs[i]!, 'minhash-dedup', 'near-duplicate', `Jaccard ${p.similarity.toFixed(3)} with ${docs[other]!.id}; kept ${docs[rep]!.id}`, countTokens));
    }
  }
  const c = { ...MINHASH_DEFAULTS, ...config };
  return {
    filter: 'minhash-dedup', kept, removed, trimmedTokens: 0,
    details: { numPerm: c.numPerm, ngram: c.ngram, threshold: c.threshold, verify: c.verify, bands: found.bands, rows: found.rows, candidatePairs: found.candidates, verifiedPairs: found.pairs.length },
  };
}
