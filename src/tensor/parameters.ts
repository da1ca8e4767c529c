// Parameters live in one flat buffer, their gradients in another (llm.c `malloc_and_point_parameters`): each
// parameter tensor is a view at a 64-byte aligned offset. The optimizer, gradient clipping, checkpointing and
// checkpoint averaging then work on whole buffers.
import { ShapeError } from '../util/errors.js';
import { allocUntrackedF32 } from './storage.js';
import { numel, Tensor, wrap } from './tensor.js';

export interface ParameterSpec {
  name: string;
  shape: readonly number[];
}

const ALIGN = 16; // floats = 64 bytes

export class ParameterSet {
  /** All parameter values, concatenated (with alignment padding that stays zero). */
  readonly data: Float32Array;
  /** All gradients, laid out like `data`. */
  readonly grad: Float32Array;
  readonly tensors: Map<string, Tensor> = new Map();
  /** Offset and size of each parameter inside the flat buffers. */
  readonly ranges: Map<string, { offset: number; size: number }> = new Map();

  constructor(readonly specs: readonly ParameterSpec[]) {
    let total = 0;
    for (const s of specs) {
      if (this.ranges.has(s.name)) throw new ShapeError('ParameterSet', `parameter ${s.name}`, 'a unique name', 'a duplicate');
      this.ranges.set(s.name, { offset: total, size: numel(s.shape) });
      total += Math.ceil(numel(s.shape) / ALIGN) * ALIGN;
    }
    this.data = allocUntrackedF32(total);
    this.grad = allocUntrackedF32(total);
    for (const s of specs) {
      const { offset, size } = this.ranges.get(s.name)!;
      const t = wrap(this.data.subarray(offset, offset + size), s.shape);
      t.name = s.name;
      t.requiresGrad = true;
      t.grad = wrap(this.grad.subarray(offset, offset + size), s.shape);
      this.tensors.set(s.name, t);
    }
  }

  get(name: string): Tensor {
    const t = this.tensors.get(name);
    if (!t) throw new ShapeError('ParameterSet', 'parameter', `one of ${[...this.tensors.keys()].slice(0, 5).join(', ')}…`, name);
    return t;
  }

  /** Number of parameters (without padding). */
  get count(): number {
    let n = 0;
    for (const r of this.ranges.values()) n += r.size;
    return n;
  }

  zeroGrad(): void {
    this.grad.fill(0);
  }

  /** Turns gradient tracking on or off for every parameter (frozen reference models). */
  setRequiresGrad(on: boolean): void {
    for (const t of this.tensors.values()) t.requiresGrad = on;
  }
}
