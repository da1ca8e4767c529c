// Polyak averaging: the mean of checkpoints, checked by hand and by its properties.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { averageParams } from '../../src/train/average.js';
import { Rng } from '../../src/util/rng.js';

test('the element-wise mean, by hand', () => {
  const avg = averageParams([Float32Array.from([1, 2, -3]), Float32Array.from([3, 2, 3]), Float32Array.from([2, 5, 0])]);
  assert.deepEqual([...avg], [2, 3, 0]);
});

test('properties: averaging copies of x gives x; a single array is itself; the mean lies within each coordinate’s range', () => {
  const rng = new Rng(3);
  const x = Float32Array.from({ length: 257 }, () => rng.normal());
  assert.deepEqual(averageParams([x, x, x, x]), x);
  assert.deepEqual(averageParams([x]), x);
  const ys = Array.from({ length: 5 }, () => Float32Array.from({ length: 257 }, () => rng.normal()));
  const avg = averageParams(ys);
  for (let i = 0; i < 257; i++) {
    const col = ys.map((y) => y[i]!);
    assert.ok(avg[i]! >= Math.min(...col) && avg[i]! <= Math.max(...col));
    assert.ok(Math.abs(avg[i]! - col.reduce((a, b) => a + b, 0) / 5) < 1e-6);
  }
});

test('mismatched lengths are an error', () => {
  assert.throws(() => averageParams([new Float32Array(3), new Float32Array(4)]), /array length/);
  assert.throws(() => averageParams([]), /at least one/);
});
