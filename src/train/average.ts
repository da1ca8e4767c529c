// Checkpoint averaging (Polyak & Juditsky 1992): the uniform mean of the parameters of the last checkpoints.
// Llama 3 §3.4.3 releases the Polyak average of the annealing checkpoints; late in a decaying schedule the
// iterates wander around a minimum, and their mean sits closer to it than any one of them.
import { ShapeError } from '../util/errors.js';

/** Element-wise mean of equally long arrays, accumulated in float64 (one rounding per element). */
export function averageParams(arrays: readonly Float32Array[]): Float32Array {
  if (arrays.length === 0) throw new ShapeError('averageParams', 'arrays', 'at least one', '0');
  const n = arrays[0]!.length;
  const acc = new Float64Array(n);
  for (const a of arrays) {
    if (a.length !== n) throw new ShapeError('averageParams', 'array length', `${n}`, `${a.length}`);
    for (let i = 0; i < n; i++) acc[i] += a[i]!;
  }
  const out = new Float32Array(n);
  const k = arrays.length;
  for (let i = 0; i < n; i++) out[i] = acc[i]! / k;
  return out;
}
