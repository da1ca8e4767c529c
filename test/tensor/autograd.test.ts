// The autograd layer (views, broadcasting, transposed matmuls, scopes) against central finite differences.
// The kernels themselves are checked against the float64 reference elsewhere; here the oracle checks the
// wiring: which gradient goes where, through views and broadcasts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/tensor/index.js';
import type { Tensor } from '../../src/tensor/index.js';
import { Rng } from '../../src/util/rng.js';

/** Checks d(Σ f(x)⊙w)/dx for every element of every input against central differences. */
function checkGrad(f: (xs: Tensor[]) => Tensor, shapes: number[][], seed = 1, eps = 1e-2): void {
  const rng = new Rng(seed);
  const values = shapes.map((s) => Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => rng.normal()));
  let weights: Float32Array | null = null;
  const evaluate = (withGrad: boolean): { loss: number; grads: Float32Array[] } =>
    T.tidy(() => {
      const xs = shapes.map((s, i) => {
        const t = T.tensor(values[i]!, s);
        t.requiresGrad = withGrad;
        return t;
      });
      const y = f(xs);
      weights ??= Float32Array.from({ length: y.size }, () => rng.normal());
      const loss = T.sum(T.mul(y, T.tensor(weights, y.shape)));
      if (withGrad) T.backward(loss);
      return { loss: loss.item(), grads: withGrad ? xs.map((x) => x.grad!.toFloat32Array()) : [] };
    });
  const { grads } = evaluate(true);
  values.forEach((v, i) => {
    for (let j = 0; j < v.length; j++) {
      const saved = v[j]!;
      v[j] = saved + eps;
      const plus = T.noGrad(() => evaluate(false).loss);
      v[j] = saved - eps;
      const minus = T.noGrad(() => evaluate(false).loss);
      v[j] = saved;
      const numeric = (plus - minus) / (2 * eps);
      const analytic = grads[i]![j]!;
      assert.ok(Math.abs(numeric - analytic) <= 5e-3 + 1e-2 * Math.abs(analytic), `input ${i}[${j}]: numeric ${numeric} vs analytic ${analytic}`);
    }
  });
}

test('matmul gradients for every transpose combination and batching', () => {
  checkGrad(([a, b]) => T.matmul(a!, b!), [[3, 4], [4, 5]]);
  checkGrad(([a, b]) => T.matmul(T.transpose(a!, 0, 1), b!), [[4, 3], [4, 5]]);
  checkGrad(([a, b]) => T.matmul(a!, T.transpose(b!, 0, 1)), [[3, 4], [5, 4]]);
  checkGrad(([a, b]) => T.matmul(T.transpose(a!, 0, 1), T.transpose(b!, 0, 1)), [[4, 3], [5, 4]]);
  checkGrad(([a, b]) => T.matmul(a!, b!), [[2, 3, 4], [2, 4, 2]]);
  checkGrad(([a, b]) => T.matmul(a!, b!), [[2, 3, 4], [4, 2]]); // b shared by the batch
  checkGrad(([a, b]) => T.matmul(T.transpose(a!, 1, 2), T.transpose(b!, 0, 1)), [[2, 4, 3], [2, 4]]);
  checkGrad(([x, w]) => T.linear(x!, w!), [[2, 3, 4], [5, 4]]);
});

test('broadcasting add/sub/mul reduce the gradient over broadcast dimensions', () => {
  checkGrad(([a, b]) => T.add(a!, b!), [[3, 4], [4]]);
  checkGrad(([a, b]) => T.sub(a!, b!), [[3, 1], [1, 4]]);
  checkGrad(([a, b]) => T.mul(a!, b!), [[2, 3, 4], [3, 1]]);
  checkGrad(([a, b]) => T.mul(a!, b!), [[3, 4], [3, 4]]);
  checkGrad(([a]) => T.scale(a!, -2.5), [[5]]);
  checkGrad(([a]) => T.mean(a!), [[2, 3]]);
});

test('views: reshape, transpose, narrow and contiguous route gradients back to the right elements', () => {
  checkGrad(([a]) => T.reshape(T.transpose(a!, 0, 1), [-1]), [[3, 4]]);
  checkGrad(([a]) => T.narrow(a!, 1, 1, 2), [[3, 4]]);
  checkGrad(([a]) => T.contiguous(T.narrow(T.transpose(a!, 0, 2), 0, 1, 2)), [[2, 3, 4]]);
  // The same input used twice accumulates both contributions.
  checkGrad(([a]) => T.add(a!, T.scale(a!, 3)), [[4]]);
});

test('model ops through the tape: rmsnorm, rope, swiglu, softmax, embedding, losses, attention', () => {
  checkGrad(([x, w]) => T.rmsnorm(x!, w!, 1e-5), [[3, 8], [8]]);
  const pos = Int32Array.from([0, 3, 7]);
  const freqs = Float32Array.from([1, 0.1]);
  checkGrad(([x]) => T.rope(x!, pos, freqs), [[3, 2, 4]]);
  checkGrad(([g, u]) => T.swiglu(g!, u!), [[2, 5], [2, 5]]);
  checkGrad(([x]) => T.softmax(x!), [[2, 5]]);
  checkGrad(([t]) => T.embedding(t!, Int32Array.from([2, 0, 2])), [[4, 3]]);
  checkGrad(([l]) => T.crossEntropy(l!, Int32Array.from([1, T.IGNORE_INDEX, 4])), [[3, 6]]);
  checkGrad(([l]) => T.tokenLogProbs(l!, Int32Array.from([0, 5, 2])), [[3, 6]]);
  const seg = Int32Array.from([0, 0, 1, 1, 1, 0, 0, 0, 0, 0]);
  checkGrad(([q, k, v]) => T.attention(q!, k!, v!, { segIds: seg }), [[2, 5, 4, 2], [2, 5, 2, 2], [2, 5, 2, 2]]);
  checkGrad(([x]) => T.logSigmoid(x!), [[6]]);
  checkGrad(([a, b]) => T.minimum(a!, b!), [[6], [6]]);
});

test('gradients accumulate across backward calls on leaves; noGrad records nothing', () => {
  const w = T.tensor([1, 2, 3]);
  w.requiresGrad = true;
  T.tidy(() => T.backward(T.sum(T.mul(w, w))));
  T.tidy(() => T.backward(T.sum(T.scale(w, 10))));
  assert.deepEqual([...w.grad!.toFloat32Array()], [12, 14, 16]); // 2w + 10
  const y = T.noGrad(() => T.mul(w, w));
  assert.equal(y.requiresGrad, false);
  assert.equal(y.node, null);
  assert.throws(() => T.backward(T.sum(y)), /does not require a gradient/);
});

test('tidy disposes intermediates and keeps what it returns', () => {
  const before = T.memoryStats().inUse;
  const kept = T.tidy(() => {
    const a = T.tensor([1, 2, 3, 4], [2, 2]);
    const b = T.add(a, a);
    return T.transpose(b, 0, 1); // a view: its base must survive
  });
  assert.deepEqual([...kept.toFloat32Array()], [2, 6, 4, 8]);
  assert.ok(T.memoryStats().inUse > before);
  kept.base!.dispose();
  assert.equal(T.memoryStats().inUse, before);
});
