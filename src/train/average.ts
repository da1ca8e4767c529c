// Checkpoint averaging (Polyak & Juditsky 1992): the uniform mean of the parameters of the last checkpoints.
// Llama 3 §3.4.3 releases the Polyak average of the annealing checkpoints; late in a decaying schedule the
// iterates wander around a minimum, and their mean sits closer to it than any one of them.
import { ShapeError } from '../util/errors.js';

/** A running uniform average: add() one checkpoint's parameters at a time (only one is in memory at once). */
export class ParamAverage {
  private readonly sum: Float64Array;
  private count = 0;

  constructor(readonly length: number) {
    this.sum = new Float64Array(length);
  }

  add(a: Float32Array): void {
    if (a.length !== this.length) throw new ShapeError('averageParams', 'array length', `${this.length}`, `${a.length}`);
    for (let i = 0; i < a.length; i++) this.sum[i] += a[i]!;
    this.count++;
  }

  /** The mean so far, accumulated in float64 (one rounding per element). */
  mean(): Float32Array {
    if (this.count === 0) throw new ShapeError('averageParams', 'arrays', 'at least one', '0');
    const out = new Float32Array(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.sum[i]! / this.count;
    return out;
  }
}

/** Element-wise mean of equally long arrays. */
export function averageParams(arrays: readonly Float32Array[]): Float32Array {
  if (arrays.length === 0) throw new ShapeError('averageParams', 'arrays', 'at least one', '0');
  const avg = new ParamAverage(arrays[0]!.length);
  for (const a of arrays) avg.add(a);
  return avg.mean();
}
