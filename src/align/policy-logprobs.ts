// Sequence log-probabilities of a policy, the input every preference and RL loss takes (torchtune's
// `get_batch_log_probs`; TRL's `concatenated_forward`): rows of token ids, each with a mask of the tokens that
// are scored, run through the model in ONE batch (DPO packs chosen and rejected rows together), and
//   perToken[i] = log π(target_i | prefix)     for every scored token, rows in order
//   sums[r]     = Σ perToken over row r         (log π(y|x) of the response, DPO)
// Only the hidden states that predict a scored token go through the output layer: with a 4K–128K vocabulary the
// classifier dominates the cost, and prompts (and DPO's masked format tokens) need no logits at all. The same
// hidden rows feed the PPO value head.
import * as T from '../tensor/index.js';
import type { Tensor } from '../tensor/index.js';
import type { Llama } from '../model/llama.js';
import { ShapeError } from '../util/errors.js';

/** A sequence and which of its tokens are scored: mask[i] = 1 → token i is predicted from tokens 0..i−1. */
export interface ScoredSequence {
  ids: readonly number[];
  mask: ArrayLike<number>;
}

/** Rows right-padded to one length, with the scored tokens listed in row order. */
export interface SequenceBatch {
  /** Input ids [R, T] (padding: token 0, never scored and, attention being causal, never seen by a scored token). */
  tokens: Int32Array;
  R: number;
  T: number;
  /** Flat index r·T + t of the hidden state that predicts each scored token (t = its position − 1) [n]. */
  positions: Int32Array;
  /** The scored token ids [n]. */
  targets: Int32Array;
  /** Row of each scored token [n]. */
  rows: Int32Array;
  /** Scored tokens per row [R]. */
  counts: Int32Array;
}

export function collateSequences(seqs: readonly ScoredSequence[]): SequenceBatch {
  const R = seqs.length;
  if (R === 0) throw new ShapeError('collateSequences', 'sequences', 'at least one', '0');
  let Tlen = 1;
  let n = 0;
  seqs.forEach((s, r) => {
    if (s.mask.length !== s.ids.length) throw new ShapeError('collateSequences', `mask of row ${r}`, `${s.ids.length} entries (one per id)`, `${s.mask.length}`);
    if (s.mask[0]) throw new ShapeError('collateSequences', `mask of row ${r}`, 'no score on token 0 (nothing predicts it)', 'mask[0] = 1');
    Tlen = Math.max(Tlen, s.ids.length);
    for (let i = 0; i < s.mask.length; i++) if (s.mask[i]) n++;
  });
  const tokens = new Int32Array(R * Tlen);
  const positions = new Int32Array(n);
  const targets = new Int32Array(n);
  const rows = new Int32Array(n);
  const counts = new Int32Array(R);
  let k = 0;
  seqs.forEach((s, r) => {
    for (let i = 0; i < s.ids.length; i++) {
      tokens[r * Tlen + i] = s.ids[i]!;
      if (!s.mask[i]) continue;
      positions[k] = r * Tlen + i - 1;
      targets[k] = s.ids[i]!;
      rows[k] = r;
      counts[r]!++;
      k++;
    }
  });
  return { tokens, R, T: Tlen, positions, targets, rows, counts };
}

export interface SequenceLogProbs {
  /** log π of each scored token [n] (differentiable unless computed under noGrad). */
  perToken: Tensor;
  /** Per-row sums [R]. */
  sums: Tensor;
  /** Final hidden states at the predicting positions [n, dim] (the PPO value head reads them). */
  hidden: Tensor;
}

/** One forward pass of `model` over the batch; wrap in T.noGrad for reference models and rollouts. */
export function sequenceLogProbs(model: Llama, batch: SequenceBatch): SequenceLogProbs {
  const { R, T: Tlen } = batch;
  const all = T.reshape(model.hidden(batch.tokens, R, Tlen), [R * Tlen, model.config.dim]);
  const hidden = T.gatherRows(all, batch.positions);
  const perToken = T.tokenLogProbs(model.logits(hidden), batch.targets);
  return { perToken, sums: rowSums(perToken, batch.rows, R), hidden };
}

/** Σ of x[i] over the i with rows[i] = r, for r < R, as x·Sᵀ with the 0/1 selection matrix S [R, n]. */
export function rowSums(x: Tensor, rows: Int32Array, R: number): Tensor {
  const n = rows.length;
  if (x.size !== n) throw new ShapeError('rowSums', 'values', `${n} (one per row index)`, `${x.size}`);
  const select = new Float32Array(R * n);
  for (let i = 0; i < n; i++) select[rows[i]! * n + i] = 1;
  return T.reshape(T.linear(T.reshape(x, [1, n]), T.tensor(select, [R, n])), [R]);
}

/** Per-row slices of a per-token array (plain numbers), e.g. to hand one response's log-probs to GAE. */
export function splitRows(values: ArrayLike<number>, counts: Int32Array): Float64Array[] {
  const out: Float64Array[] = [];
  let o = 0;
  for (const c of counts) {
    out.push(Float64Array.from({ length: c }, (_, i) => values[o + i]!));
    o += c;
  }
  return out;
}
