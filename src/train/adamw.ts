// AdamW over the model's flat parameter buffer (llm.c `gpt2_update`: one loop over one buffer), with the first
// and second moments m, v laid out like the parameters so that a checkpoint is three flat arrays.
//
// Weight decay groups (nanoGPT `configure_optimizers`): tensors of rank ≥ 2 (linear weights, the embedding —
// which is also the classifier when tied) decay; rank-1 tensors (the RMSNorm gains) do not. Decaying a gain
// pulls it towards 0, i.e. scales a whole residual branch down, which is a constraint the model did not ask
// for; the Llama papers state wd 0.1 without groups, and excluding gains is the common practice (nanoGPT,
// HF Trainer's `get_decay_parameter_names`, torchtune). Consecutive tensors of the same group form one range,
// so the kernel is called a handful of times per step rather than once per tensor.
import type { ParameterSet } from '../tensor/index.js';
import { kernels } from '../tensor/backend.js';

export interface AdamWConfig {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

/** A contiguous range of the flat buffer [offset, offset + size) with one weight-decay setting. */
export interface DecayRange {
  offset: number;
  size: number;
  decay: boolean;
}

/**
 * The parameter buffer cut into maximal ranges of equal decay. Alignment padding between tensors belongs to
 * the range before it: padding is 0 with gradient 0, and AdamW leaves a 0 with a zero gradient at 0.
 */
export function decayRanges(params: ParameterSet): DecayRange[] {
  const out: DecayRange[] = [];
  for (const spec of params.specs) {
    const { offset } = params.ranges.get(spec.name)!;
    const decay = spec.shape.length >= 2;
    const last = out[out.length - 1];
    if (last && last.decay === decay) continue;
    if (last) last.size = offset - last.offset;
    out.push({ offset, size: 0, decay });
  }
  const last = out[out.length - 1];
  if (last) last.size = params.data.length - last.offset;
  return out;
}

export class AdamW {
  /** First moment, laid out like params.data. */
  readonly m: Float32Array;
  /** Second moment. */
  readonly v: Float32Array;
  /** Updates taken so far (bias correction uses step + 1 for the next one). */
  step = 0;
  readonly ranges: DecayRange[];

  constructor(
    readonly params: ParameterSet,
    readonly config: AdamWConfig,
  ) {
    this.m = new Float32Array(params.data.length);
    this.v = new Float32Array(params.data.length);
    this.ranges = decayRanges(params);
  }

  /** One update of every parameter from params.grad at learning rate lr. */
  update(lr: number): void {
    this.step++;
    const { data, grad } = this.params;
    const k = kernels();
    const { beta1, beta2, eps, weightDecay } = this.config;
    for (const r of this.ranges) {
      const end = r.offset + r.size;
      k.adamw(data.subarray(r.offset, end), grad.subarray(r.offset, end), this.m.subarray(r.offset, end), this.v.subarray(r.offset, end), r.size, {
        lr, beta1, beta2, eps, weightDecay: r.decay ? weightDecay : 0, step: this.step,
      });
    }
  }
}
