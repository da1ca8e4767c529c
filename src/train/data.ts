// What the training loop needs from data: batches of packed token rows with their document masks, a cursor
// that resumes the stream exactly, fixed held-out batches, and a baseline to judge the validation loss by.
// Two implementations: corpus.ts (the bundled corpora through src/data's mixer and packer, with a trained
// tokenizer) and synthetic.ts (a seeded toy language, for tests and benchmarks).
import type { Batch } from '../data/pack.js';
import type { Tokenizer } from '../tokenizer/types.js';

/** B rows of T positions with document ids and positions, as src/data/pack.ts packs them. */
export type { Batch };

export interface TrainData {
  readonly vocabSize: number;
  /** The tokenizer to export with the model (null for synthetic data). */
  readonly tokenizer: Tokenizer | null;
  /** The next training batch; `annealing` selects the annealing mix (Llama 3 §3.4.3). */
  next(B: number, T: number, annealing: boolean): Batch;
  /** JSON-serialisable position of the stream (saved in checkpoints). */
  cursor(): unknown;
  restore(cursor: unknown): void;
  /** The first `sequences` held-out rows of length T, in batches of at most B rows (the same on every call). */
  validation(B: number, T: number, sequences: number): Batch[];
  /** Cross-entropy (nats/token) of the validation targets under the training tokens' unigram distribution. */
  unigramEntropy(T: number, sequences: number): number;
}

/**
 * The loss of the best context-free model: −mean log p(target) with p the add-one smoothed unigram distribution
 * of the training tokens. A language model that does not beat it has learned nothing about context.
 */
export function unigramCrossEntropy(trainCounts: Float64Array, targets: Iterable<number>): number {
  const V = trainCounts.length;
  let total = V; // add-one smoothing
  for (let i = 0; i < V; i++) total += trainCounts[i]!;
  let nll = 0;
  let n = 0;
  for (const t of targets) {
    if (t < 0) continue; // ignored positions
    nll -= Math.log((trainCounts[t]! + 1) / total);
    n++;
  }
  return n > 0 ? nll / n : NaN;
}

/** Counts of each token id in `tokens` (ids outside [0, V) are skipped). */
export function countTokens(V: number, streams: Iterable<ArrayLike<number>>): Float64Array {
  const counts = new Float64Array(V);
  for (const s of streams) for (let i = 0; i < s.length; i++) {
    const t = s[i]!;
    if (t >= 0 && t < V) counts[t]!++;
  }
  return counts;
}
