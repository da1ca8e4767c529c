// Global-norm clipping against hand-computed norms (torch.nn.utils.clip_grad_norm_ semantics).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clipGradNorm, firstNonFiniteGrad, gradNorm } from '../../src/train/clip.js';
import { ParameterSet } from '../../src/tensor/index.js';

test('norm over the whole buffer: ‖(3, 4, 0, 12)‖ = 13', () => {
  assert.equal(gradNorm(Float32Array.from([3, 4, 0, 12])), 13);
});

test('clipping scales by max/(norm + 1e-6) above the threshold and leaves smaller gradients alone', () => {
  const g = Float32Array.from([3, 4, 0, 12]);
  assert.equal(clipGradNorm(g, 1), 13);
  const c = 1 / (13 + 1e-6);
  [3, 4, 0, 12].forEach((x, i) => assert.ok(Math.abs(g[i]! - x * c) <= 1e-7 * Math.abs(x * c) + 1e-12, `g[${i}] = ${g[i]}`));
  assert.ok(Math.abs(gradNorm(g) - 1) < 1e-6);
  const small = Float32Array.from([0.3, 0.4]);
  assert.ok(Math.abs(clipGradNorm(small, 1) - 0.5) < 1e-7);
  assert.deepEqual([...small], [Math.fround(0.3), Math.fround(0.4)]);
  const off = Float32Array.from([30, 40]);
  assert.equal(clipGradNorm(off, 0), 50);
  assert.deepEqual([...off], [30, 40]);
});

test('a non-finite gradient is reported by parameter name', () => {
  const p = new ParameterSet([{ name: 'a', shape: [3] }, { name: 'b', shape: [2, 2] }]);
  assert.equal(firstNonFiniteGrad(p), null);
  p.get('b').grad!.data[3] = NaN;
  assert.equal(firstNonFiniteGrad(p), 'b');
  assert.ok(Number.isNaN(clipGradNorm(p.grad, 1)));
});
