// The PPO objectives (Schulman et al. 2017) used by Llama 2 §3.2.3: clipped surrogate for the policy (clip 0.2)
// and a clipped value loss for the value head. Inputs are per-token tensors over the generated tokens of a
// minibatch; advantages and returns come from rewards.ts (GAE) and are constants here.
import * as T from '../../tensor/index.js';
import type { Tensor } from '../../tensor/index.js';
import { ShapeError } from '../../util/errors.js';

export interface PpoConfig {
  /** Policy-ratio clip ε (Llama 2: 0.2). */
  clip: number;
  /** Value clip around the old values. */
  valueClip: number;
  /** Weight of the value loss. */
  valueWeight: number;
}

export const LLAMA2_PPO: PpoConfig = { clip: 0.2, valueClip: 0.2, valueWeight: 0.1 };

/**
 * Policy loss −mean(min(ρ·A, clip(ρ, 1−ε, 1+ε)·A)) with ρ = exp(log π − log π_old), over N tokens.
 * Also returns the fraction of clipped tokens and the approximate KL to the old policy (for logging).
 */
export function ppoPolicyLoss(cfg: PpoConfig, logProbs: Tensor, oldLogProbs: Float32Array, advantages: Float32Array): { loss: Tensor; clipFraction: number; approxKl: number } {
  const N = logProbs.size;
  if (oldLogProbs.length !== N || advantages.length !== N) throw new ShapeError('ppoPolicyLoss', 'per-token arrays', `${N}`, `${oldLogProbs.length}, ${advantages.length}`);
  const ratio = T.exp(T.sub(T.reshape(logProbs, [-1]), T.tensor(oldLogProbs)));
  const adv = T.tensor(advantages);
  const surrogate = T.minimum(T.mul(ratio, adv), T.mul(T.clamp(ratio, 1 - cfg.clip, 1 + cfg.clip), adv));
  const r = ratio.toFloat32Array();
  let clipped = 0;
  let kl = 0;
  const lp = logProbs.toFloat32Array();
  for (let i = 0; i < N; i++) {
    if (Math.abs(r[i]! - 1) > cfg.clip) clipped++;
    kl += oldLogProbs[i]! - lp[i]!;
  }
  return { loss: T.neg(T.mean(surrogate)), clipFraction: clipped / Math.max(1, N), approxKl: kl / Math.max(1, N) };
}

/** Value loss ½·mean(max((V − R)², (clip(V, V_old ± c) − R)²)) (the PPO2 clipped form), times valueWeight. */
export function ppoValueLoss(cfg: PpoConfig, values: Tensor, oldValues: Float32Array, returns: Float32Array): Tensor {
  const N = values.size;
  if (oldValues.length !== N || returns.length !== N) throw new ShapeError('ppoValueLoss', 'per-token arrays', `${N}`, `${oldValues.length}, ${returns.length}`);
  const v = T.reshape(values, [-1]);
  const ret = T.tensor(returns);
  const old = T.tensor(oldValues);
  const unclipped = T.square(T.sub(v, ret));
  // clip(V, old − c, old + c) = old + clamp(V − old, −c, c)
  const clippedV = T.add(old, T.clamp(T.sub(v, old), -cfg.valueClip, cfg.valueClip));
  const clippedLoss = T.square(T.sub(clippedV, ret));
  // max(a, b) = −min(−a, −b)
  const worst = T.neg(T.minimum(T.neg(unclipped), T.neg(clippedLoss)));
  return T.scale(T.mean(worst), 0.5 * cfg.valueWeight);
}
