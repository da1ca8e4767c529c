// SwiGLU (Shazeer 2020, "GLU Variants Improve Transformer"), the Llama FFN: out = silu(gate) ⊙ up,
// silu(g) = g·σ(g).
import { checkDim, checkLen } from './check.js';
import type { Floats } from './floats.js';

const sigmoid = (g: number): number => 1 / (1 + Math.exp(-g));

export function swigluForward(out: Floats, gate: Floats, up: Floats, n: number): void {
  checkDim('swigluForward', 'n', n);
  for (const [name, a] of [['out', out], ['gate', gate], ['up', up]] as const) checkLen('swigluForward', name, a, n);
  for (let i = 0; i < n; i++) {
    const g = gate[i];
    out[i] = g * sigmoid(g) * up[i];
  }
}

/** dgate = dout·up·σ(g)·(1 + g·(1 − σ(g))) (derivative of silu); dup = dout·silu(g). */
export function swigluBackward(dgate: Floats, dup: Floats, dout: Floats, gate: Floats, up: Floats, n: number): void {
  checkDim('swigluBackward', 'n', n);
  for (const [name, a] of [['dgate', dgate], ['dup', dup], ['dout', dout], ['gate', gate], ['up', up]] as const) checkLen('swigluBackward', name, a, n);
  for (let i = 0; i < n; i++) {
    const g = gate[i];
    const u = up[i];
    const d = dout[i];
    const s = sigmoid(g);
    dgate[i] = d * u * s * (1 + g * (1 - s));
    dup[i] = d * g * s;
  }
}
