// Activations: SwiGLU (Shazeer 2020), the Llama feed-forward non-linearity silu(x·W1ᵀ) ⊙ (x·W3ᵀ), and a
// row softmax.
import { ShapeError } from '../../util/errors.js';
import { gradWrite, record } from '../autograd.js';
import { kernels } from '../backend.js';
import { empty, sameShape, Tensor } from '../tensor.js';
import { contiguous } from './views.js';

const dense = (t: Tensor) => t.data.subarray(t.offset, t.offset + t.size);

/** silu(gate) ⊙ up */
export function swiglu(gate: Tensor, up: Tensor): Tensor {
  if (!sameShape(gate.shape, up.shape)) throw new ShapeError('swiglu', 'up', gate.shape, up.shape);
  const gc = contiguous(gate);
  const uc = contiguous(up);
  const n = gc.size;
  const out = empty(gate.shape);
  const k = kernels();
  k.swigluForward(out.data, dense(gc), dense(uc), n);
  return record(out, 'swiglu', [gc, uc], (g) => {
    // One kernel call produces both gradients; route each to its tensor (or to scratch when not needed).
    const dgate = gc.requiresGrad ? null : new Float32Array(n);
    const dup = uc.requiresGrad ? null : new Float32Array(n);
    if (gc.requiresGrad) {
      gradWrite(gc, (dg) => {
        if (uc.requiresGrad) gradWrite(uc, (du) => k.swigluBackward(dg, du, dense(g), dense(gc), dense(uc), n));
        else k.swigluBackward(dg, dup!, dense(g), dense(gc), dense(uc), n);
      });
    } else {
      gradWrite(uc, (du) => k.swigluBackward(dgate!, du, dense(g), dense(gc), dense(uc), n));
    }
  });
}

/** Softmax over the last dimension. */
export function softmax(x: Tensor): Tensor {
  const C = x.shape[x.ndim - 1]!;
  const xc = contiguous(x);
  const N = xc.size / C;
  const out = empty(x.shape);
  const k = kernels();
  k.softmaxForward(out.data, dense(xc), { N, C });
  return record(out, 'softmax', [xc], (g) => gradWrite(xc, (dx) => k.softmaxBackward(dx, dense(g), out.data, { N, C })));
}
