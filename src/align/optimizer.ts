// One optimizer step over one or more parameter sets (the policy and, for PPO, its value head): zero the
// gradients, run the loss under a tidy scope, backpropagate, clip the global norm over ALL sets together
// (torch.nn.utils.clip_grad_norm_ over every parameter), check for NaN/Inf, AdamW. The alignment stages share it.
import * as T from '../tensor/index.js';
import type { ParameterSet, Tensor } from '../tensor/index.js';
import { AdamW } from '../train/adamw.js';
import { gradNorm } from '../train/clip.js';
import { kernels } from '../tensor/backend.js';
import { NonFiniteError } from '../util/errors.js';

export interface OptimConfig {
  lr: number;
  /** AdamW β1, β2, eps (Llama 2 §2.2 and §3.2.3: 0.9, 0.95, 1e-5), decoupled weight decay (0.1). */
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Global gradient-norm clip (Llama 2 §3.2.3: 1.0); 0 = none. */
  gradClip: number;
}

export interface StepResult {
  loss: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
}

export class Optimizer {
  private readonly opts: AdamW[];

  constructor(
    readonly sets: readonly ParameterSet[],
    readonly config: OptimConfig,
    /** Named in the NaN/Inf error. */
    readonly stage = 'align',
  ) {
    this.opts = sets.map((p) => new AdamW(p, config));
  }

  /**
   * `lossFn` builds a scalar loss (inside a tidy scope this method opens) and may return extra plain numbers for
   * logging; the update uses learning rate `lr` (default the config's).
   */
  step<X extends object = object>(lossFn: () => { loss: Tensor } & X, lr = this.config.lr): StepResult & Omit<X, 'loss'> {
    for (const p of this.sets) p.zeroGrad();
    const { loss, extra } = T.tidy(() => {
      const out = lossFn();
      T.backward(out.loss);
      const { loss: l, ...rest } = out;
      return { loss: l.item(), extra: rest as Omit<X, 'loss'> };
    });
    let sq = 0;
    for (const p of this.sets) sq += gradNorm(p.grad) ** 2;
    const norm = Math.sqrt(sq);
    if (!Number.isFinite(loss) || !Number.isFinite(norm)) {
      throw new NonFiniteError(`${this.stage}: ${Number.isFinite(loss) ? `gradient norm ${norm}` : `loss ${loss}`} at update ${this.opts[0]!.step + 1}; stopped before the update. Lower the learning rate.`);
    }
    if (this.config.gradClip > 0 && norm > this.config.gradClip) {
      const coef = this.config.gradClip / (norm + 1e-6);
      for (const p of this.sets) kernels().scale(p.grad, p.grad, coef, p.grad.length);
    }
    for (const o of this.opts) o.update(lr);
    return { loss, gradNorm: norm, ...extra };
  }

  get updates(): number {
    return this.opts[0]!.step;
  }
}
