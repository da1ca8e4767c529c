// Global gradient-norm clipping (Llama 2 §2.2: clip 1.0), as torch.nn.utils.clip_grad_norm_: the norm is taken
// over ALL gradients as one vector (the flat grad buffer), and the gradients are scaled by max/(norm + 1e-6)
// when that is below 1. The norm is returned either way: it is the health signal the metrics log and the
// NaN/Inf check read.
import { kernels } from '../tensor/backend.js';
import type { ParameterSet } from '../tensor/index.js';

/** ‖g‖₂ over the whole buffer (float64 sum of squares in a fixed order, so it is thread-count independent). */
export function gradNorm(grad: Float32Array): number {
  return Math.sqrt(kernels().sumSquares(grad, grad.length));
}

/** Scales grad in place so that its norm is at most maxNorm (0 = no clipping). Returns the norm before. */
export function clipGradNorm(grad: Float32Array, maxNorm: number): number {
  const norm = gradNorm(grad);
  if (maxNorm > 0 && Number.isFinite(norm)) {
    const coef = maxNorm / (norm + 1e-6);
    if (coef < 1) kernels().scale(grad, grad, coef, grad.length);
  }
  return norm;
}

/** Name of the first parameter whose gradient holds a NaN or ±Inf (for the stop message), or null. */
export function firstNonFiniteGrad(params: ParameterSet): string | null {
  for (const [name, { offset, size }] of params.ranges) {
    const g = params.grad;
    for (let i = offset; i < offset + size; i++) if (!Number.isFinite(g[i]!)) return name;
  }
  return null;
}
