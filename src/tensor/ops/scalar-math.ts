// Small elementwise functions for losses on per-sequence or per-token values (DPO, PPO, reward models):
// they run on vectors of a few thousand numbers at most, so plain TypeScript loops are the right tool.
import { gradAdd, record } from '../autograd.js';
import { empty, Tensor } from '../tensor.js';
import { contiguous } from './views.js';

function unary(op: string, x: Tensor, f: (v: number) => number, df: (v: number, y: number) => number): Tensor {
  const xc = contiguous(x);
  const xd = xc.data.subarray(xc.offset, xc.offset + xc.size);
  const out = empty(x.shape);
  for (let i = 0; i < xd.length; i++) out.data[i] = f(xd[i]!);
  return record(out, op, [xc], (g) =>
    gradAdd(xc, (dst) => {
      for (let i = 0; i < dst.length; i++) dst[i] = dst[i]! + g.data[g.offset + i]! * df(xd[i]!, out.data[i]!);
    }),
  );
}

/** log σ(x), computed stably for large |x|. */
export const logSigmoid = (x: Tensor): Tensor =>
  unary('logSigmoid', x, (v) => (v >= 0 ? -Math.log1p(Math.exp(-v)) : v - Math.log1p(Math.exp(v))), (v) => 1 / (1 + Math.exp(v)));
export const sigmoid = (x: Tensor): Tensor => unary('sigmoid', x, (v) => 1 / (1 + Math.exp(-v)), (_v, y) => y * (1 - y));
export const exp = (x: Tensor): Tensor => unary('exp', x, Math.exp, (_v, y) => y);
export const log = (x: Tensor): Tensor => unary('log', x, Math.log, (v) => 1 / v);
export const neg = (x: Tensor): Tensor => unary('neg', x, (v) => -v, () => -1);
export const square = (x: Tensor): Tensor => unary('square', x, (v) => v * v, (v) => 2 * v);
/** clamp(x, lo, hi); the gradient passes only where x is inside the interval (as in PyTorch). */
export const clamp = (x: Tensor, lo: number, hi: number): Tensor =>
  unary('clamp', x, (v) => Math.min(hi, Math.max(lo, v)), (v) => (v >= lo && v <= hi ? 1 : 0));

/** Elementwise minimum of two same-shape tensors (PPO's clipped objective); the gradient goes to the smaller. */
export function minimum(a: Tensor, b: Tensor): Tensor {
  const ac = contiguous(a);
  const bc = contiguous(b);
  const ad = ac.data.subarray(ac.offset, ac.offset + ac.size);
  const bd = bc.data.subarray(bc.offset, bc.offset + bc.size);
  const out = empty(a.shape);
  for (let i = 0; i < ad.length; i++) out.data[i] = Math.min(ad[i]!, bd[i]!);
  return record(out, 'minimum', [ac, bc], (g) => {
    gradAdd(ac, (dst) => {
      for (let i = 0; i < dst.length; i++) if (ad[i]! <= bd[i]!) dst[i] = dst[i]! + g.data[g.offset + i]!;
    });
    gradAdd(bc, (dst) => {
      for (let i = 0; i < dst.length; i++) if (ad[i]! > bd[i]!) dst[i] = dst[i]! + g.data[g.offset + i]!;
    });
  });
}
