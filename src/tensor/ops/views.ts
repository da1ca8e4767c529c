// Views share storage with their base: reshape (of a contiguous tensor), transpose, narrow. Their backward
// passes reshape, transpose or scatter the gradient back. `contiguous` copies a strided view into fresh storage.
import { ShapeError } from '../../util/errors.js';
import { gradAdd, record } from '../autograd.js';
import { contiguousStrides, copyStrided, empty, numel, Tensor, type Shape } from '../tensor.js';

/** Same data, new shape (-1 infers one dimension). A non-contiguous tensor is copied first. */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const resolved = resolveShape(x, shape);
  const src = x.isContiguous ? x : contiguous(x);
  const out = new Tensor(src.data, resolved, contiguousStrides(resolved), src.offset, src.base ?? src);
  return record(out, 'reshape', [src], (g) => gradAdd(src, (dst) => addInto(dst, g)));
}

/** Swaps two dimensions (no copy). */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const d0 = normDim(x, dim0, 'transpose');
  const d1 = normDim(x, dim1, 'transpose');
  const shape = [...x.shape];
  const strides = [...x.strides];
  [shape[d0], shape[d1]] = [shape[d1]!, shape[d0]!];
  [strides[d0], strides[d1]] = [strides[d1]!, strides[d0]!];
  const out = new Tensor(x.data, shape, strides, x.offset, x.base ?? x);
  return record(out, 'transpose', [x], (g) => {
    // g is contiguous in the transposed shape; view it transposed back and add densely.
    const back = new Tensor(g.data, x.shape, swapped(contiguousStrides(shape), d0, d1), g.offset);
    gradAdd(x, (dst) => addStrided(dst, back));
  });
}

/** The slice [start, start+length) along `dim` (no copy). */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normDim(x, dim, 'narrow');
  if (!Number.isInteger(start) || !Number.isInteger(length) || start < 0 || length < 0 || start + length > x.shape[d]!) {
    throw new ShapeError('narrow', `range along dim ${d}`, `within 0..${x.shape[d]}`, `${start}..${start + length}`);
  }
  const shape = [...x.shape];
  shape[d] = length;
  const out = new Tensor(x.data, shape, x.strides, x.offset + start * x.strides[d]!, x.base ?? x);
  return record(out, 'narrow', [x], (g) => {
    gradAdd(x, (dst) => {
      // Scatter g into the slice of a dense gradient of x's shape.
      const view = new Tensor(dst, x.shape, contiguousStrides(x.shape), 0);
      const slice = new Tensor(dst, shape, view.strides, start * view.strides[d]!);
      addIntoStrided(slice, g.data.subarray(g.offset, g.offset + g.size));
    });
  });
}

/** A contiguous copy (or x itself when already contiguous). */
export function contiguous(x: Tensor): Tensor {
  if (x.isContiguous) return x;
  const out = empty(x.shape);
  copyStrided(out.data, x);
  return record(out, 'contiguous', [x], (g) => gradAdd(x, (dst) => addInto(dst, g)));
}

// ---- helpers ----------------------------------------------------------------------------------------------

function resolveShape(x: Tensor, shape: Shape): number[] {
  const out = [...shape];
  const infer = out.indexOf(-1);
  if (infer >= 0) {
    const known = out.reduce((a, d, i) => (i === infer ? a : a * d), 1);
    out[infer] = known === 0 ? 0 : x.size / known;
  }
  if (numel(out) !== x.size || out.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ShapeError('reshape', `${x}`, `a shape with ${x.size} elements`, shape);
  }
  return out;
}

function normDim(x: Tensor, dim: number, op: string): number {
  const d = dim < 0 ? dim + x.ndim : dim;
  if (!Number.isInteger(d) || d < 0 || d >= x.ndim) throw new ShapeError(op, 'dim', `in [${-x.ndim}, ${x.ndim})`, `${dim}`);
  return d;
}

function swapped(strides: number[], a: number, b: number): number[] {
  const s = [...strides];
  [s[a], s[b]] = [s[b]!, s[a]!];
  return s;
}

/** dst += g (both dense, same size). */
function addInto(dst: Float32Array, g: Tensor): void {
  const src = g.data;
  const o = g.offset;
  for (let i = 0; i < dst.length; i++) dst[i] = dst[i]! + src[o + i]!;
}

/** dst (dense, row-major in t's shape) += t (strided). */
function addStrided(dst: Float32Array, t: Tensor): void {
  const tmp = new Float32Array(t.size);
  copyStrided(tmp, t);
  for (let i = 0; i < dst.length; i++) dst[i] = dst[i]! + tmp[i]!;
}

/** The strided region `view` (over its data) += dense values. */
function addIntoStrided(view: Tensor, values: Float32Array): void {
  const { shape, strides, data } = view;
  const nd = shape.length;
  const idx = new Array<number>(nd).fill(0);
  for (let i = 0; i < values.length; i++) {
    let p = view.offset;
    for (let d = 0; d < nd; d++) p += idx[d]! * strides[d]!;
    data[p] = data[p]! + values[i]!;
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
}
