// Tensor: a shape and strides over a Float32Array, with the autograd fields the tape needs. Storage is
// row-major; views (reshape of a contiguous tensor, transpose, narrow) share storage and differ in strides and
// offset. Kernels want contiguous data: `contiguousData(t)` gives it without a copy when possible.
//
// Memory: tensors made inside a `tidy` scope (autograd.ts) take pooled buffers and return them when the scope
// ends; tensors made outside any scope get ordinary buffers that the garbage collector frees. Parameters live in one flat buffer
// (parameters.ts) and are never pooled.
import { ShapeError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { allocF32, allocUntrackedF32, releaseF32 } from './storage.js';

export type Shape = readonly number[];

/** Set by autograd.ts when a tensor is produced by a differentiable op. */
export interface GradNode {
  /** Name of the op, for error messages and debugging. */
  readonly op: string;
  /** The op's inputs that need gradients (others are null). */
  readonly inputs: readonly (Tensor | null)[];
  /** Delivers the gradient of this op's output to its inputs (gradOut has the output's shape, contiguous). */
  backward(gradOut: Tensor): void;
}

const EMPTY = new Float32Array(0);
let nextId = 1;

export class Tensor {
  readonly id = nextId++;
  requiresGrad = false;
  /** Gradient of the loss with respect to this tensor (contiguous, same shape), accumulated by backward(). */
  grad: Tensor | null = null;
  /** How this tensor was computed, when it was recorded on the tape. */
  node: GradNode | null = null;
  /** Optional name (parameters carry their GGUF name). */
  name = '';

  constructor(
    /** The storage: for views, the same array as the base tensor. */
    public data: Float32Array,
    readonly shape: Shape,
    readonly strides: Shape = contiguousStrides(shape),
    readonly offset = 0,
    /** The tensor whose storage this view shares, or null if this tensor owns it. */
    readonly base: Tensor | null = null,
    /** True when `data` came from the pool and must go back to it when the tensor is disposed. */
    private pooled = false,
  ) {
    if (pooled) scopeHook.onCreate?.(this);
  }

  get size(): number {
    return numel(this.shape);
  }

  get ndim(): number {
    return this.shape.length;
  }

  get isContiguous(): boolean {
    return isContiguous(this.shape, this.strides);
  }

  get disposed(): boolean {
    return this.data === EMPTY && this.size > 0;
  }

  /** Returns the storage to the pool. Using the tensor (or a view of it) afterwards is an error. */
  dispose(): void {
    if (this.pooled && this.data !== EMPTY) {
      releaseF32(this.data);
      this.data = EMPTY;
      this.pooled = false;
    }
    this.node = null;
    this.grad?.dispose();
    this.grad = null;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new ShapeError('item', 'tensor size', '1 element', this.shape);
    return this.data[this.offset]!;
  }

  /** A contiguous copy of the values as a plain Float32Array (not pooled). */
  toFloat32Array(): Float32Array {
    const out = new Float32Array(this.size);
    out.set(contiguousData(this));
    return out;
  }

  toString(): string {
    return `Tensor(${this.name ? `${this.name}, ` : ''}[${this.shape.join(', ')}])`;
  }
}

/** Installed by autograd.ts: whether a tidy scope is active, and registration of pooled tensors with it. */
export const scopeHook: { active: () => boolean; onCreate: ((t: Tensor) => void) | null } = { active: () => false, onCreate: null };

/** A buffer for a new tensor: pooled inside a tidy scope, garbage-collected outside. */
function newData(n: number, zero: boolean): { data: Float32Array; pooled: boolean } {
  if (scopeHook.active()) return { data: allocF32(n, zero), pooled: true };
  return { data: allocUntrackedF32(n), pooled: false };
}

export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

function isContiguous(shape: Shape, strides: Shape): boolean {
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && strides[i] !== s) return false;
    s *= shape[i]!;
  }
  return true;
}

function checkShape(op: string, shape: Shape): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new ShapeError(op, 'shape', 'non-negative integer dimensions', shape);
  }
}

// ---- constructors -----------------------------------------------------------------------------------------

/** A new pooled tensor whose values the caller will overwrite entirely. */
export function empty(shape: Shape): Tensor {
  checkShape('empty', shape);
  const { data, pooled } = newData(numel(shape), false);
  return new Tensor(data, [...shape], undefined, 0, null, pooled);
}

export function zeros(shape: Shape): Tensor {
  checkShape('zeros', shape);
  const { data, pooled } = newData(numel(shape), true);
  return new Tensor(data, [...shape], undefined, 0, null, pooled);
}

export function full(shape: Shape, value: number): Tensor {
  const t = empty(shape);
  t.data.fill(value);
  return t;
}

/** A tensor holding a copy of `values`. */
export function tensor(values: ArrayLike<number>, shape: Shape = [values.length]): Tensor {
  if (numel(shape) !== values.length) throw new ShapeError('tensor', 'values for shape', `${numel(shape)} values`, `${values.length}`);
  const t = empty(shape);
  t.data.set(values);
  return t;
}

/** Wraps an existing Float32Array without copying (the tensor does not own it: it is never pooled). */
export function wrap(data: Float32Array, shape: Shape): Tensor {
  if (numel(shape) > data.length) throw new ShapeError('wrap', 'data length', `≥ ${numel(shape)}`, `${data.length}`);
  return new Tensor(data, [...shape]);
}

export function scalar(value: number): Tensor {
  return tensor([value], []);
}

/** Normal(0, std²) samples from a seeded generator. */
export function randn(shape: Shape, rng: Rng, std = 1): Tensor {
  const t = empty(shape);
  for (let i = 0; i < t.data.length; i++) t.data[i] = rng.normal() * std;
  return t;
}

// ---- data access ------------------------------------------------------------------------------------------

/**
 * The tensor's values as one contiguous Float32Array in row-major order: a subarray (no copy) when the
 * tensor is contiguous, else a fresh copy.
 */
export function contiguousData(t: Tensor): Float32Array {
  if (t.disposed) throw new ShapeError('contiguousData', `${t}`, 'a live tensor', 'a disposed tensor');
  if (t.isContiguous) return t.data.subarray(t.offset, t.offset + t.size);
  const out = new Float32Array(t.size);
  copyStrided(out, t);
  return out;
}

/** Copies a strided tensor into a dense row-major array. */
export function copyStrided(out: Float32Array, t: Tensor): void {
  const { shape, strides } = t;
  const nd = shape.length;
  if (nd === 0) {
    out[0] = t.data[t.offset]!;
    return;
  }
  const inner = shape[nd - 1]!;
  const innerStride = strides[nd - 1]!;
  const outer = t.size / Math.max(inner, 1);
  const idx = new Array<number>(nd - 1).fill(0);
  let o = 0;
  for (let r = 0; r < outer; r++) {
    let src = t.offset;
    for (let d = 0; d < nd - 1; d++) src += idx[d]! * strides[d]!;
    for (let i = 0; i < inner; i++) out[o++] = t.data[src + i * innerStride]!;
    for (let d = nd - 2; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
