// Rotary position embedding (Su et al. 2021, RoFormer §3.4). Each head rotates pairs of values by
// angle(n, i) = positions[n]·freqs[i], i < headDim/2, computed in float64. 'pairs' rotates (2i, 2i+1) (Meta,
// GGUF); 'half' rotates (i, i + headDim/2) (Hugging Face rotate_half). See docs/llama-recipe.md §1.
import type { I32, RopeDims } from '../kernels.js';
import { checkDim, checkLen } from './check.js';
import type { Floats } from './floats.js';

function rotate(op: string, out: Floats, x: Floats, positions: I32, freqs: Floats, d: RopeDims, sign: 1 | -1): void {
  const { N, nHeads, headDim, layout } = d;
  checkDim(op, 'N', N);
  checkDim(op, 'nHeads', nHeads);
  checkDim(op, 'headDim', headDim);
  if (headDim % 2 !== 0) throw new RangeError(`${op}: headDim: expected an even number, got ${headDim}`);
  if (layout !== 'pairs' && layout !== 'half') throw new RangeError(`${op}: layout: expected 'pairs' or 'half', got ${String(layout)}`);
  checkLen(op, 'out', out, N * nHeads * headDim);
  checkLen(op, 'x', x, N * nHeads * headDim);
  checkLen(op, 'positions', positions, N);
  checkLen(op, 'freqs', freqs, headDim / 2);
  const half = headDim >> 1;
  const cos = new Float64Array(half);
  const sin = new Float64Array(half);
  const stride = layout === 'pairs' ? 2 : 1; // index of the first element of pair i is i·stride
  const partner = layout === 'pairs' ? 1 : half; // and its partner is `partner` further on
  for (let n = 0; n < N; n++) {
    const pos = positions[n];
    for (let i = 0; i < half; i++) {
      const angle = pos * freqs[i];
      cos[i] = Math.cos(angle);
      sin[i] = sign * Math.sin(angle);
    }
    for (let h = 0; h < nHeads; h++) {
      const base = (n * nHeads + h) * headDim;
      for (let i = 0; i < half; i++) {
        const i0 = base + i * stride;
        const i1 = i0 + partner;
        const x0 = x[i0];
        const x1 = x[i1];
        out[i0] = x0 * cos[i] - x1 * sin[i];
        out[i1] = x0 * sin[i] + x1 * cos[i];
      }
    }
  }
}

export function ropeForward(out: Floats, x: Floats, positions: I32, freqs: Floats, d: RopeDims): void {
  rotate('ropeForward', out, x, positions, freqs, d, 1);
}

/** The rotation is orthogonal, so its backward is the rotation by −angle. */
export function ropeBackward(dx: Floats, dout: Floats, positions: I32, freqs: Floats, d: RopeDims): void {
  rotate('ropeBackward', dx, dout, positions, freqs, d, -1);
}
