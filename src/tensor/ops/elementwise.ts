// Elementwise arithmetic with NumPy broadcasting. Equal shapes (the residual adds of the model) go straight to
// the kernels; broadcast shapes (biases, per-row scales, small loss arithmetic) use the indexed loop below, and
// their backward sums the gradient over the broadcast dimensions.
import { ShapeError } from '../../util/errors.js';
import { gradAdd, record } from '../autograd.js';
import { kernels } from '../backend.js';
import { contiguousStrides, empty, sameShape, Tensor, type Shape } from '../tensor.js';
import { contiguous } from './views.js';

const dense = (t: Tensor) => t.data.subarray(t.offset, t.offset + t.size);

export function broadcastShape(a: Shape, b: Shape, op: string): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new ShapeError(op, 'broadcast', a, b);
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides that read `shape` as if broadcast to `target` (0 along broadcast dimensions). */
function broadcastStrides(shape: Shape, target: Shape): number[] {
  const s = contiguousStrides(shape);
  const off = target.length - shape.length;
  return target.map((d, i) => (i < off || shape[i - off] === 1 ? 0 : s[i - off]!));
}

/** Loops over `shape` calling fn(outIndex, aIndex, bIndex) with broadcast strides. */
function forEachBroadcast(shape: Shape, sa: number[], sb: number[], fn: (o: number, ia: number, ib: number) => void): void {
  const nd = shape.length;
  const idx = new Array<number>(nd).fill(0);
  const total = shape.reduce((x, y) => x * y, 1);
  let ia = 0;
  let ib = 0;
  for (let o = 0; o < total; o++) {
    fn(o, ia, ib);
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]!++;
      ia += sa[d]!;
      ib += sb[d]!;
      if (idx[d]! < shape[d]!) break;
      ia -= sa[d]! * shape[d]!;
      ib -= sb[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}

/** Sums a gradient of `from` shape down to `to` shape (the adjoint of broadcasting) and adds it into dst. */
function reduceInto(dst: Float32Array, g: Float32Array, from: Shape, to: Shape): void {
  const st = broadcastStrides(to, from);
  forEachBroadcast(from, contiguousStrides(from), st, (o, _ia, it) => {
    dst[it] = dst[it]! + g[o]!;
  });
}

type Binary = 'add' | 'sub' | 'mul';

function binary(kind: Binary, a: Tensor, b: Tensor): Tensor {
  const ac = contiguous(a);
  const bc = contiguous(b);
  const k = kernels();
  let out: Tensor;
  if (sameShape(a.shape, b.shape)) {
    out = empty(a.shape);
    if (kind === 'add') k.add(out.data, dense(ac), dense(bc), out.size);
    else if (kind === 'mul') k.mul(out.data, dense(ac), dense(bc), out.size);
    else {
      k.scale(out.data, dense(bc), -1, out.size);
      k.add(out.data, out.data, dense(ac), out.size);
    }
  } else {
    const shape = broadcastShape(a.shape, b.shape, kind);
    out = empty(shape);
    const [da, db, o] = [dense(ac), dense(bc), out.data];
    const sa = broadcastStrides(a.shape, shape);
    const sb = broadcastStrides(b.shape, shape);
    if (kind === 'add') forEachBroadcast(shape, sa, sb, (i, ia, ib) => (o[i] = da[ia]! + db[ib]!));
    else if (kind === 'sub') forEachBroadcast(shape, sa, sb, (i, ia, ib) => (o[i] = da[ia]! - db[ib]!));
    else forEachBroadcast(shape, sa, sb, (i, ia, ib) => (o[i] = da[ia]! * db[ib]!));
  }
  return record(out, kind, [ac, bc], (g) => {
    const gd = dense(g);
    const same = sameShape(a.shape, b.shape);
    for (const [t, other, sign] of [[ac, bc, 1], [bc, ac, kind === 'sub' ? -1 : 1]] as const) {
      gradAdd(t, (dst) => {
        if (kind === 'mul') {
          // d(a·b)/da = b (broadcast), reduced to a's shape.
          const prod = new Float32Array(g.size);
          const od = dense(other);
          if (same) {
            k.mul(prod, gd, od, prod.length);
            k.add(dst, dst, prod, dst.length);
          } else {
            const so = broadcastStrides(other.shape, g.shape);
            forEachBroadcast(g.shape, contiguousStrides(g.shape), so, (i, _x, io) => (prod[i] = gd[i]! * od[io]!));
            reduceInto(dst, prod, g.shape, t.shape);
          }
        } else if (same) {
          k.axpy(dst, sign, gd, dst.length);
        } else if (sign === 1) {
          reduceInto(dst, gd, g.shape, t.shape);
        } else {
          const neg = new Float32Array(g.size);
          for (let i = 0; i < neg.length; i++) neg[i] = -gd[i]!;
          reduceInto(dst, neg, g.shape, t.shape);
        }
      });
    }
  });
}

export const add = (a: Tensor, b: Tensor): Tensor => binary('add', a, b);
export const sub = (a: Tensor, b: Tensor): Tensor => binary('sub', a, b);
export const mul = (a: Tensor, b: Tensor): Tensor => binary('mul', a, b);

/** x · s for a constant s. */
export function scale(x: Tensor, s: number): Tensor {
  const xc = contiguous(x);
  const out = empty(x.shape);
  const k = kernels();
  k.scale(out.data, dense(xc), s, out.size);
  return record(out, 'scale', [xc], (g) => gradAdd(xc, (dst) => k.axpy(dst, s, dense(g), dst.length)));
}

/** Sum of all elements → a scalar tensor (float64 accumulation in the kernel). */
export function sum(x: Tensor): Tensor {
  const xc = contiguous(x);
  const out = empty([]);
  out.data[0] = kernels().sum(dense(xc), xc.size);
  return record(out, 'sum', [xc], (g) => {
    const gv = g.data[g.offset]!;
    gradAdd(xc, (dst) => {
      for (let i = 0; i < dst.length; i++) dst[i] = dst[i]! + gv;
    });
  });
}

/** Mean of all elements → a scalar tensor. */
export function mean(x: Tensor): Tensor {
  return scale(sum(x), 1 / Math.max(1, x.size));
}
