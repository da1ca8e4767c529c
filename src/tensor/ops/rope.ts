// Rotary position embedding (Su et al. 2021), applied to queries and keys. `freqs` holds the inverse
// frequencies θ_i = base^(−2i/headDim), already adjusted by the Llama 3.1 scaling where the model uses it
// (src/model/rope.ts builds them). Layout 'pairs' rotates (2i, 2i+1) as Meta and GGUF do; 'half' rotates
// (i, i + headDim/2) as Hugging Face does.
import { ShapeError } from '../../util/errors.js';
import { gradWrite, record } from '../autograd.js';
import { kernels } from '../backend.js';
import type { RopeLayout } from '../kernels.js';
import { empty, Tensor } from '../tensor.js';
import { contiguous } from './views.js';

const dense = (t: Tensor) => t.data.subarray(t.offset, t.offset + t.size);

/** x: [..., N tokens, nHeads, headDim] flattened as N rows; positions: one absolute position per row. */
export function rope(x: Tensor, positions: Int32Array, freqs: Float32Array, layout: RopeLayout = 'pairs'): Tensor {
  if (x.ndim < 2) throw new ShapeError('rope', 'input', '[..., nHeads, headDim]', x.shape);
  const headDim = x.shape[x.ndim - 1]!;
  const nHeads = x.shape[x.ndim - 2]!;
  const N = x.size / (nHeads * headDim);
  if (positions.length !== N) throw new ShapeError('rope', 'positions', `${N} (one per token)`, `${positions.length}`);
  if (freqs.length !== headDim / 2) throw new ShapeError('rope', 'freqs', `${headDim / 2}`, `${freqs.length}`);
  const xc = contiguous(x);
  const out = empty(x.shape);
  const d = { N, nHeads, headDim, layout };
  const k = kernels();
  k.ropeForward(out.data, dense(xc), positions, freqs, d);
  return record(out, 'rope', [xc], (g) => gradWrite(xc, (dx) => k.ropeBackward(dx, dense(g), positions, freqs, d)));
}
