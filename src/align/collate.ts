// Collators: they only batch. Whole sequences are packed into rows of T positions with document masking (Llama 3
// §3.2: no attention across sequences packed in one row; positions restart at 0 for each, as src/data/pack.ts),
// which is how Llama 2 §3.1 fills its 4096-token SFT rows ("all the prompts and answers from the training set
// are concatenated"). Unlike pretraining documents, an example is never split across rows: a row holds whole
// examples (first fit, in the given order) and the rest of the row is padding that is nobody's target.
//
//   packSequences   SFT: LossSequences → rows (tokens, targets, segIds, positions)
//   collateLast     reward scoring: token sequences → rows + the flat index of each sequence's last token
//                   (the reward head reads the hidden state there)
//   collateRanked   reward-model training: groups of responses ranked best first, collated with collateLast
import { IGNORE_INDEX } from '../tensor/index.js';
import { ShapeError } from '../util/errors.js';
import type { LossSequence } from './data/sequence.js';

/** B rows of T positions, row-major [B, T] (the shape of src/train/data.ts Batch). */
export interface PackedBatch {
  B: number;
  T: number;
  tokens: Int32Array;
  targets: Int32Array;
  /** Sequence number within the row; padding gets its own number, so nothing attends to it. */
  segIds: Int32Array;
  /** RoPE position, restarting at 0 for each sequence. */
  positions: Int32Array;
}

/** Id written into padding positions (any valid id: padding is masked from attention and from the loss). */
const PAD = 0;

/** First-fit assignment of lengths to rows of capacity T: rows[r] lists sequence indices in placement order. */
function firstFit(lengths: readonly number[], T: number, op: string): number[][] {
  const rows: number[][] = [];
  const free: number[] = [];
  lengths.forEach((n, i) => {
    if (n > T) throw new ShapeError(op, `sequence ${i}`, `at most ${T} tokens (the row length; drop or split longer ones first)`, `${n}`);
    let r = free.findIndex((f) => f >= n);
    if (r < 0) {
      r = rows.length;
      rows.push([]);
      free.push(T);
    }
    rows[r]!.push(i);
    free[r]! -= n;
  });
  return rows;
}

function emptyBatch(B: number, T: number): PackedBatch {
  return { B, T, tokens: new Int32Array(B * T).fill(PAD), targets: new Int32Array(B * T).fill(IGNORE_INDEX), segIds: new Int32Array(B * T), positions: new Int32Array(B * T) };
}

/** Writes the sequences of `rows` into a batch; returns the flat index where each sequence starts. */
function fill(batch: PackedBatch, rows: readonly number[][], seq: (i: number) => { tokens: ArrayLike<number>; targets?: ArrayLike<number> }): Map<number, number> {
  const starts = new Map<number, number>();
  const T = batch.T;
  rows.forEach((members, b) => {
    let at = 0;
    members.forEach((i, s) => {
      const { tokens, targets } = seq(i);
      const o = b * T + at;
      starts.set(i, o);
      batch.tokens.set(tokens, o);
      if (targets) batch.targets.set(targets, o);
      for (let t = 0; t < tokens.length; t++) {
        batch.segIds[o + t] = s;
        batch.positions[o + t] = t;
      }
      at += tokens.length;
    });
    for (let t = at; t < T; t++) {
      batch.segIds[b * T + t] = members.length;
      batch.positions[b * T + t] = t - at;
    }
  });
  return starts;
}

/**
 * Packs SFT sequences, in order, into rows of T (first fit), then cuts the rows into batches of at most
 * `rowsPerBatch` rows. Every target of every sequence appears exactly once.
 */
export function packSequences(seqs: readonly LossSequence[], T: number, rowsPerBatch: number): PackedBatch[] {
  const rows = firstFit(seqs.map((s) => s.tokens.length), T, 'packSequences');
  const out: PackedBatch[] = [];
  for (let r0 = 0; r0 < rows.length; r0 += rowsPerBatch) {
    const chunk = rows.slice(r0, r0 + rowsPerBatch);
    const batch = emptyBatch(chunk.length, T);
    fill(batch, chunk, (i) => seqs[i]!);
    out.push(batch);
  }
  return out;
}

/** Packed sequences with the flat index [B·T] of each one's last token (where a reward head reads). */
export interface LastTokenBatch extends PackedBatch {
  last: Int32Array;
}

/** Packs whole sequences (token ids) into as few rows of T as first fit allows, in order. */
export function collateLast(seqs: readonly (readonly number[])[], T: number): LastTokenBatch {
  const rows = firstFit(seqs.map((s) => s.length), T, 'collateLast');
  const batch = emptyBatch(rows.length, T);
  const starts = fill(batch, rows, (i) => ({ tokens: seqs[i]! }));
  const last = new Int32Array(seqs.length);
  seqs.forEach((s, i) => (last[i] = starts.get(i)! + s.length - 1));
  return { ...batch, last };
}

/** Responses to one prompt, best first (chosen > rejected; Llama 3: edited > chosen > rejected). */
export interface RankedGroup {
  /** Token ids of prompt + response, one per response, best first; the reward is read at the last id. */
  sequences: readonly (readonly number[])[];
  /** Llama 2 margin m(rating) for the pair (Table 27); 0 for margin-free losses. */
  margin: number;
}

export interface RewardBatch extends LastTokenBatch {
  /** Per group: index of its first sequence in `last` (sequences numbered group by group, best first) and how many responses it ranks. */
  groups: { start: number; k: number; margin: number }[];
}

/** Packs all sequences of the given groups (collateLast) and records which scores belong to which group. */
export function collateRanked(groups: readonly RankedGroup[], T: number): RewardBatch {
  let start = 0;
  const meta = groups.map((g, i) => {
    if (g.sequences.length < 2) throw new ShapeError('collateRanked', `group ${i}`, 'at least 2 ranked responses', `${g.sequences.length}`);
    const m = { start, k: g.sequences.length, margin: g.margin };
    start += g.sequences.length;
    return m;
  });
  return { ...collateLast(groups.flatMap((g) => g.sequences), T), groups: meta };
}
