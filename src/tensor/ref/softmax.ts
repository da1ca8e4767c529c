// Row softmax (max-subtracted, so exp never overflows) and its backward.
import { checkDim, checkLen } from './check.js';
import type { Floats } from './floats.js';

function check(op: string, N: number, C: number, arrays: [string, Floats][]): void {
  checkDim(op, 'N', N);
  checkDim(op, 'C', C);
  for (const [name, a] of arrays) checkLen(op, name, a, N * C);
}

export function softmaxForward(out: Floats, x: Floats, d: { N: number; C: number }): void {
  const { N, C } = d;
  check('softmaxForward', N, C, [['out', out], ['x', x]]);
  for (let n = 0; n < N; n++) {
    const o = n * C;
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, x[o + c]);
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp(x[o + c] - max);
    for (let c = 0; c < C; c++) out[o + c] = Math.exp(x[o + c] - max) / sum;
  }
}

/** dx = out ⊙ (dout − Σ dout ⊙ out); the dot is taken before dx is written, so dx may alias dout. */
export function softmaxBackward(dx: Floats, dout: Floats, out: Floats, d: { N: number; C: number }): void {
  const { N, C } = d;
  check('softmaxBackward', N, C, [['dx', dx], ['dout', dout], ['out', out]]);
  for (let n = 0; n < N; n++) {
    const o = n * C;
    let dot = 0;
    for (let c = 0; c < C; c++) dot += dout[o + c] * out[o + c];
    for (let c = 0; c < C; c++) dx[o + c] = out[o + c] * (dout[o + c] - dot);
  }
}
