// AdamW (Loshchilov & Hutter 2019, Algorithm 2) with bias correction, as PyTorch's torch.optim.AdamW:
// p ← p − lr·wd·p (decoupled decay, on the old p), m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g²,
// p ← p − lr·m̂/(sqrt(v̂) + eps) with m̂ = m/(1−β1^t), v̂ = v/(1−β2^t).
import type { AdamWHyper } from '../kernels.js';
import { checkDim, checkLen } from './check.js';
import type { Floats } from './floats.js';

export function adamw(param: Floats, grad: Floats, m: Floats, v: Floats, n: number, h: AdamWHyper): void {
  const { lr, beta1, beta2, eps, weightDecay, step } = h;
  checkDim('adamw', 'step', step, 1);
  checkDim('adamw', 'n', n);
  for (const [name, a] of [['param', param], ['grad', grad], ['m', m], ['v', v]] as const) checkLen('adamw', name, a, n);
  const bc1 = 1 - beta1 ** step;
  const bc2 = 1 - beta2 ** step;
  for (let i = 0; i < n; i++) {
    const g = grad[i];
    const mi = beta1 * m[i] + (1 - beta1) * g;
    const vi = beta2 * v[i] + (1 - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    const p = param[i];
    param[i] = p - lr * (mi / bc1 / (Math.sqrt(vi / bc2) + eps) + weightDecay * p);
  }
}
