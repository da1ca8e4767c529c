// One optimizer step, the same in every training loop (pretraining in loop.ts, the post-pretraining stages in
// step-loop.ts): zero the gradients, run the caller's forward/backward, clip the global norm (Llama 2 §2.2: 1.0),
// stop on a NaN/Inf loss or gradient before the weights are touched, then AdamW at the step's learning rate.
import type { ParameterSet } from '../tensor/index.js';
import type { AdamW } from './adamw.js';
import { clipGradNorm, firstNonFiniteGrad } from './clip.js';

export interface NonFinite {
  loss: number;
  gradNorm: number;
  /** The first parameter whose gradient is not finite, or null. */
  param: string | null;
}

/**
 * `forwardBackward` adds the gradient of the step's loss into params.grad and returns the loss. When the loss or the
 * gradient norm is not finite, the error `onNonFinite` builds is thrown and no update happens.
 */
export function optimizerStep(params: ParameterSet, opt: AdamW, lr: number, gradClip: number, forwardBackward: () => number, onNonFinite: (f: NonFinite) => Error): { loss: number; gradNorm: number } {
  params.zeroGrad();
  const loss = forwardBackward();
  const gradNorm = clipGradNorm(params.grad, gradClip);
  if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) throw onNonFinite({ loss, gradNorm, param: firstNonFiniteGrad(params) });
  opt.update(lr);
  return { loss, gradNorm };
}
