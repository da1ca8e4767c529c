// The reward-model loss of Llama 2 §3.2.2: a binary ranking loss with a margin that grows with how much better
// the chosen response was rated,
//   L = −log σ(r(x, y_c) − r(x, y_r) − m(rating)),
// with the margin tables of Llama 2 Table 27. Llama 3 §4.1.2 drops the margin and ranks three responses
// (edited > chosen > rejected): the loss sums over the ordered pairs.
import * as T from '../../tensor/index.js';
import type { Tensor } from '../../tensor/index.js';
import { ShapeError } from '../../util/errors.js';
import { RATINGS, type Rating } from '../world/annotator.js';

/** The Llama 2 four-level preference scale (§3.2.1), defined once by the world's annotators. */
export { RATINGS, type Rating };

/** Llama 2 Table 27: margin m(r) per rating. */
export const MARGINS: Record<'none' | 'small' | 'large', Record<Rating, number>> = {
  none: { significantly_better: 0, better: 0, slightly_better: 0, negligibly_better: 0 },
  small: { significantly_better: 1, better: 2 / 3, slightly_better: 1 / 3, negligibly_better: 0 },
  large: { significantly_better: 3, better: 2, slightly_better: 1, negligibly_better: 0 },
};

/**
 * Per-pair losses −log σ(r_c − r_r − m) for scores of chosen and rejected responses [P] and margins [P].
 * Returns [P] (differentiable in both score tensors).
 */
export function marginRankingLoss(chosen: Tensor, rejected: Tensor, margins: Float32Array): Tensor {
  if (chosen.size !== rejected.size || chosen.size !== margins.length) {
    throw new ShapeError('marginRankingLoss', 'scores and margins', `${chosen.size} each`, `${rejected.size} rejected, ${margins.length} margins`);
  }
  const diff = T.sub(T.sub(T.reshape(chosen, [-1]), T.reshape(rejected, [-1])), T.tensor(margins));
  return T.neg(T.logSigmoid(diff));
}

/**
 * Llama 3 §4.1.2 ranking without margin over k ≥ 2 responses ordered best first (edited > chosen > rejected):
 * Σ over ordered pairs i < j of −log σ(r_i − r_j). scores: [P, k] → per-row losses [P].
 */
export function orderedRankingLoss(scores: Tensor): Tensor {
  if (scores.ndim !== 2 || scores.shape[1]! < 2) throw new ShapeError('orderedRankingLoss', 'scores', '[pairs, k ≥ 2]', scores.shape);
  const k = scores.shape[1]!;
  let total: Tensor | null = null;
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const l = T.neg(T.logSigmoid(T.sub(T.reshape(T.narrow(scores, 1, i, 1), [-1]), T.reshape(T.narrow(scores, 1, j, 1), [-1]))));
      total = total ? T.add(total, l) : l;
    }
  }
  return total!;
}
