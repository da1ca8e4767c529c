// Central finite differences in float64: perturbs each element of each input by ±eps, recomputes a scalar loss
// and compares (L(x+eps) − L(x−eps)) / 2eps with the analytic gradient. The style.md oracle for every backward.
import assert from 'node:assert/strict';

export interface GradcheckOptions {
  /** Perturbation (default 1e-6). */
  eps?: number;
  /** Tolerances: |numeric − analytic| ≤ atol + rtol·max(|numeric|, |analytic|) (defaults 1e-6, 1e-7). */
  rtol?: number;
  atol?: number;
}

/**
 * `inputs` are the arrays `loss()` reads (perturbed in place and restored); `grads` holds the analytic
 * gradient of the loss for each named input, computed beforehand.
 */
export function gradcheck(
  inputs: Record<string, Float64Array>,
  grads: Record<string, Float64Array>,
  loss: () => number,
  opts: GradcheckOptions = {},
): void {
  const eps = opts.eps ?? 1e-6;
  const rtol = opts.rtol ?? 1e-6;
  const atol = opts.atol ?? 1e-7;
  for (const [name, x] of Object.entries(inputs)) {
    const g = grads[name];
    assert.ok(g, `gradcheck: no analytic gradient for ${name}`);
    assert.equal(g.length, x.length, `gradcheck: ${name}: gradient length`);
    for (let i = 0; i < x.length; i++) {
      const saved = x[i];
      x[i] = saved + eps;
      const plus = loss();
      x[i] = saved - eps;
      const minus = loss();
      x[i] = saved;
      const numeric = (plus - minus) / (2 * eps);
      const analytic = g[i];
      const err = Math.abs(numeric - analytic);
      if (!(err <= atol + rtol * Math.max(Math.abs(numeric), Math.abs(analytic)))) {
        assert.fail(`gradcheck: d loss / d ${name}[${i}]: numeric ${numeric}, analytic ${analytic} (|diff| ${err})`);
      }
    }
  }
}

/** Σ out[i]·w[i]: a scalar loss whose gradient with respect to `out` is w (a random projection). */
export function dot(out: Float64Array | Float32Array, w: Float64Array | Float32Array): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += out[i] * w[i];
  return s;
}
