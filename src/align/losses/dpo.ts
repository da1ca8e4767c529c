// Direct Preference Optimization (Rafailov et al. 2023) as Llama 3 uses it (§4.1.4; docs/llama-recipe.md §11):
//   L = −log σ(β·[(log πθ(y_w|x) − log π_ref(y_w|x)) − (log πθ(y_l|x) − log π_ref(y_l|x))])
//       + α · NLL(y_w) / |y_w|                      (Pang et al. 2024; Llama 3: α = 0.2)
// with β = 0.1, and the chat-format tokens (headers, end-of-turn) masked out of every log-probability.
// Like torchtune's DPOLoss, the loss takes log-probabilities, not models: sequence sums over unmasked tokens.
import * as T from '../../tensor/index.js';
import type { Tensor } from '../../tensor/index.js';
import { ShapeError } from '../../util/errors.js';

export interface DpoConfig {
  /** KL-regularisation strength β (Llama 3: 0.1). */
  beta: number;
  /** Weight of the length-normalised NLL on the chosen response (Llama 3: 0.2). */
  nllWeight: number;
}

export const LLAMA3_DPO: DpoConfig = { beta: 0.1, nllWeight: 0.2 };

export interface PreferenceLogProbs {
  /** Σ log π(y_w|x) over the chosen response's unmasked tokens [P]. */
  chosen: Tensor;
  /** Σ log π(y_l|x) over the rejected response's unmasked tokens [P]. */
  rejected: Tensor;
}

export interface DpoOutput {
  /** Per-pair loss [P]. */
  losses: Tensor;
  /** Implicit rewards β·(log πθ − log π_ref) for chosen and rejected (for logging: accuracy, margins). */
  chosenRewards: Float32Array;
  rejectedRewards: Float32Array;
}

/**
 * policy: differentiable sequence log-probs; reference: the frozen reference model's (no gradient);
 * chosenTokens: number of unmasked tokens of each chosen response (for the length-normalised NLL).
 */
export function dpoLoss(cfg: DpoConfig, policy: PreferenceLogProbs, reference: PreferenceLogProbs, chosenTokens: Float32Array): DpoOutput {
  const P = policy.chosen.size;
  if (policy.rejected.size !== P || reference.chosen.size !== P || reference.rejected.size !== P || chosenTokens.length !== P) {
    throw new ShapeError('dpoLoss', 'batch sizes', `${P} pairs everywhere`, `${policy.rejected.size}, ${reference.chosen.size}, ${reference.rejected.size}, ${chosenTokens.length}`);
  }
  const refChosen = reference.chosen.toFloat32Array();
  const refRejected = reference.rejected.toFloat32Array();
  const chosenRatio = T.sub(policy.chosen, T.tensor(refChosen));
  const rejectedRatio = T.sub(policy.rejected, T.tensor(refRejected));
  const logits = T.scale(T.sub(chosenRatio, rejectedRatio), cfg.beta);
  let losses = T.neg(T.logSigmoid(logits));
  if (cfg.nllWeight > 0) {
    const invLen = Float32Array.from(chosenTokens, (n) => 1 / Math.max(1, n));
    losses = T.add(losses, T.scale(T.mul(T.neg(policy.chosen), T.tensor(invLen)), cfg.nllWeight));
  }
  return {
    losses,
    chosenRewards: Float32Array.from(chosenRatio.toFloat32Array(), (v) => cfg.beta * v),
    rejectedRewards: Float32Array.from(rejectedRatio.toFloat32Array(), (v) => cfg.beta * v),
  };
}
