// Ground truth for document dedup: edited copies of known documents, appended to the corpus. Each word is
// independently deleted, substituted or followed by an inserted word with probability `rate`; the exact
// Jaccard of each copy with its original is measured on the shingle sets afterwards, so the truth does not
// rely on any formula. One copy per original, so a pair can only be merged through its own similarity.
import { Rng } from '../util/rng.js';
import type { Doc } from './doc.js';

export interface InjectedPair {
  /** Indices into the returned corpus. */
  original: number;
  copy: number;
  rate: number;
}

export interface NearDuplicateOptions {
  count: number;
  seed: number;
  /** Edit rates are drawn uniformly from [lo, hi] (default [0, 0.05]: true Jaccard of word 5-grams from 1
   * down to about 0.55, half of the pairs on each side of 0.8). */
  rateRange?: [number, number];
  /** Originals must have at least this many words (default 60). */
  minWords?: number;
}

/** Applies random word edits at `rate`, keeping the whitespace between untouched words. */
export function editWords(text: string, rate: number, rng: Rng): string {
  const parts = text.split(/(\s+)/); // words at even indices, separators at odd ones
  const words = parts.filter((_, i) => i % 2 === 0 && parts[i] !== '');
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (i % 2 === 1 || p === '') {
      out.push(p);
      continue;
    }
    if (rng.uniform() >= rate) {
      out.push(p);
      continue;
    }
    const op = rng.int(3);
    if (op === 0) out.push(''); // delete (the separator stays: whitespace is not part of any shingle)
    else if (op === 1) out.push(rng.pick(words)); // substitute
    else out.push(`${p} ${rng.pick(words)}`); // insert after
  }
  return out.join('');
}

/** Returns the corpus with `count` edited copies appended, and which pairs they form. */
export function injectNearDuplicates(docs: readonly Doc[], opts: NearDuplicateOptions): { docs: Doc[]; pairs: InjectedPair[] } {
  const rng = new Rng(opts.seed);
  const [lo, hi] = opts.rateRange ?? [0, 0.05];
  const minWords = opts.minWords ?? 60;
  const eligible = docs.map((d, i) => [d, i] as const).filter(([d]) => d.text.split(/\s+/).length >= minWords).map(([, i]) => i);
  rng.shuffle(eligible);
  const out = [...docs];
  const pairs: InjectedPair[] = [];
  for (const original of eligible.slice(0, opts.count)) {
    const rate = lo + (hi - lo) * rng.uniform();
    const src = docs[original]!;
    out.push({ ...src, id: `${src.id}~near-dup`, text: editWords(src.text, rate, rng), meta: { ...src.meta, injected: 'near-duplicate', of: src.id, editRate: rate } });
    pairs.push({ original, copy: out.length - 1, rate });
  }
  return { docs: out, pairs };
}
