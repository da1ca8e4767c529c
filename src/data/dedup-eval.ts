// Dedup measured on ground truth: recall and precision at Jaccard ≥ threshold for the injected pairs, where
// "true" is the exact Jaccard of the shingle sets and "predicted" is "ended in the same cluster". Also the
// empirical S-curve: the share of pairs caught in each similarity bucket.
import type { Doc } from './doc.js';
import { clusterPairs, findNearDuplicates, MINHASH_DEFAULTS, type MinHashDedupConfig, type NearDuplicates } from './minhash-dedup.js';
import type { InjectedPair } from './near-duplicates.js';
import { jaccard } from './shingles.js';

export interface DedupEvaluation {
  threshold: number;
  verify: MinHashDedupConfig['verify'];
  bands: number;
  rows: number;
  pairs: number;
  /** Injected pairs whose exact Jaccard ≥ threshold. */
  positives: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  recall: number;
  precision: number;
  /** Detection rate by exact-Jaccard bucket [lo, lo + 0.05). */
  buckets: { lo: number; pairs: number; caught: number }[];
  /** Per pair, for plots: exact Jaccard and whether it was caught. */
  points: { jaccard: number; caught: boolean; rate: number }[];
}

/** `found` may be passed in to evaluate the run the pipeline already did; `verify` re-clusters its candidates
 * with the other verification to compare both at the cost of one union-find. */
export function evaluateDedup(
  docs: readonly Doc[], truth: readonly InjectedPair[], config: Partial<MinHashDedupConfig> = {},
  found: NearDuplicates = findNearDuplicates(docs, config), verify: MinHashDedupConfig['verify'] = { ...MINHASH_DEFAULTS, ...config }.verify,
): DedupEvaluation {
  const c = { ...MINHASH_DEFAULTS, ...config, verify };
  const { clusterOf } = clusterPairs(docs.length, found.candidatePairs, verify, c.threshold);
  const points = truth.map((p) => ({
    jaccard: jaccard(found.shingles[p.original]!, found.shingles[p.copy]!),
    caught: clusterOf[p.original] === clusterOf[p.copy],
    rate: p.rate,
  }));
  const isDup = (j: number) => j >= c.threshold;
  const tp = points.filter((p) => p.caught && isDup(p.jaccard)).length;
  const fp = points.filter((p) => p.caught && !isDup(p.jaccard)).length;
  const fn = points.filter((p) => !p.caught && isDup(p.jaccard)).length;
  const buckets = [];
  for (let k = 0; k < 20; k++) {
    const lo = k / 20;
    const inside = points.filter((p) => p.jaccard >= lo && (p.jaccard < lo + 0.05 || (k === 19 && p.jaccard <= 1)));
    if (inside.length > 0) buckets.push({ lo, pairs: inside.length, caught: inside.filter((p) => p.caught).length });
  }
  return {
    threshold: c.threshold, verify: c.verify, bands: found.bands, rows: found.rows, pairs: truth.length,
    positives: tp + fn, truePositives: tp, falsePositives: fp, falseNegatives: fn,
    recall: tp + fn === 0 ? NaN : tp / (tp + fn),
    precision: tp + fp === 0 ? NaN : tp / (tp + fp),
    buckets, points,
  };
}
