// RMSNorm (Zhang & Sennrich 2019), Llama 2 §2.2 pre-normalization: y = w ⊙ x / sqrt(mean(x²) + eps).
import { checkDim, checkLen } from './check.js';
import type { Floats } from './floats.js';

export function rmsnormForward(out: Floats, rstd: Floats, x: Floats, w: Floats, d: { N: number; C: number; eps: number }): void {
  const { N, C, eps } = d;
  const op = 'rmsnormForward';
  checkDim(op, 'N', N);
  checkDim(op, 'C', C, 1);
  for (const [name, a, len] of [['out', out, N * C], ['rstd', rstd, N], ['x', x, N * C], ['w', w, C]] as const) checkLen(op, name, a, len);
  for (let n = 0; n < N; n++) {
    const o = n * C;
    let ss = 0;
    for (let c = 0; c < C; c++) ss += x[o + c] * x[o + c];
    const r = 1 / Math.sqrt(ss / C + eps);
    rstd[n] = r;
    for (let c = 0; c < C; c++) out[o + c] = w[c] * (x[o + c] * r);
  }
}

/**
 * With r = rstd[n] and g = w ⊙ dout: dx = r·g − (r³/C)·x·Σ(g ⊙ x) (since ∂r/∂x_c = −r³x_c/C);
 * dw += Σ_n dout ⊙ x·r. dx is written, dw accumulated.
 */
export function rmsnormBackward(dx: Floats, dw: Floats, dout: Floats, x: Floats, w: Floats, rstd: Floats, d: { N: number; C: number }): void {
  const { N, C } = d;
  const op = 'rmsnormBackward';
  checkDim(op, 'N', N);
  checkDim(op, 'C', C, 1);
  for (const [name, a, len] of [['dx', dx, N * C], ['dw', dw, C], ['dout', dout, N * C], ['x', x, N * C], ['w', w, C], ['rstd', rstd, N]] as const) checkLen(op, name, a, len);
  for (let n = 0; n < N; n++) {
    const o = n * C;
    const r = rstd[n];
    let dot = 0;
    for (let c = 0; c < C; c++) dot += w[c] * dout[o + c] * x[o + c];
    const k = (r * r * r * dot) / C;
    for (let c = 0; c < C; c++) dx[o + c] = r * w[c] * dout[o + c] - k * x[o + c];
  }
  for (let c = 0; c < C; c++) {
    let acc = 0;
    for (let n = 0; n < N; n++) acc += dout[n * C + c] * x[n * C + c] * rstd[n];
    dw[c] += acc;
  }
}
