// RMSNorm (Zhang & Sennrich 2019), the pre-normalisation of every Llama block (Llama 2 §2.2):
// y = w ⊙ x / sqrt(mean(x²) + eps), over the last dimension.
import { ShapeError } from '../../util/errors.js';
import { gradAdd, gradWrite, record } from '../autograd.js';
import { kernels } from '../backend.js';
import { empty, Tensor } from '../tensor.js';
import { contiguous } from './views.js';

const dense = (t: Tensor) => t.data.subarray(t.offset, t.offset + t.size);

export function rmsnorm(x: Tensor, w: Tensor, eps: number): Tensor {
  const C = x.shape[x.ndim - 1]!;
  if (w.ndim !== 1 || w.shape[0] !== C) throw new ShapeError('rmsnorm', 'weight', [C], w.shape);
  const xc = contiguous(x);
  const wc = contiguous(w);
  const N = xc.size / C;
  const out = empty(x.shape);
  const rstd = empty([N]);
  const k = kernels();
  k.rmsnormForward(out.data, rstd.data, dense(xc), dense(wc), { N, C, eps });
  return record(out, 'rmsnorm', [xc, wc], (g) => {
    // The kernel writes dx and adds into dw; give it a scratch dw when w needs no gradient.
    const needDw = wc.requiresGrad;
    const scratchDw = needDw ? null : new Float32Array(C);
    const run = (dx: Float32Array, dw: Float32Array) => k.rmsnormBackward(dx, dw, dense(g), dense(xc), dense(wc), rstd.data, { N, C });
    if (xc.requiresGrad) {
      gradWrite(xc, (dx) => {
        if (needDw) gradAdd(wc, (dw) => run(dx, dw));
        else run(dx, scratchDw!);
      });
    } else {
      const dx = new Float32Array(xc.size);
      gradAdd(wc, (dw) => run(dx, dw));
    }
  });
}
