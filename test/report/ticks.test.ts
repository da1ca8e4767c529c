import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTick, linearTicks, logTicks, niceNumber } from '../../src/report/ticks.js';
import { Rng } from '../../src/util/rng.js';

test('niceNumber rounds to 1, 2, 5 × 10^k (Heckbert 1990), by hand', () => {
  assert.equal(niceNumber(9.3, false), 10);
  assert.equal(niceNumber(1.9, true), 2);
  assert.equal(niceNumber(0.0037, true), 0.005);
  assert.equal(niceNumber(7.1, true), 10);
  assert.equal(niceNumber(260, false), 500);
});

test('linear ticks, hand-checked examples', () => {
  assert.deepEqual(linearTicks(0, 9.3).values, [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(linearTicks(0.013, 0.087).values, [0, 0.02, 0.04, 0.06, 0.08, 0.1]);
  assert.deepEqual(linearTicks(-3.7, 12.2).values, [-5, 0, 5, 10, 15]);
  // A constant series still gets an axis around its value.
  assert.deepEqual(linearTicks(2.5, 2.5).values, [2.2, 2.3, 2.4, 2.5, 2.6, 2.7, 2.8]);
  assert.deepEqual(linearTicks(0, 0).values, [-1, -0.5, 0, 0.5, 1]);
});

test('linear ticks cover the data with evenly spaced nice steps (property, 500 random ranges)', () => {
  const rng = new Rng(3);
  for (let k = 0; k < 500; k++) {
    const scale = 10 ** (rng.int(16) - 8);
    const a = (rng.uniform() - 0.5) * 100 * scale;
    const b = a + rng.uniform() * 50 * scale + 1e-12;
    const t = linearTicks(a, b);
    assert.ok(t.lo <= a && t.hi >= b, `[${t.lo}, ${t.hi}] covers [${a}, ${b}]`);
    assert.ok(t.values.length >= 3 && t.values.length <= 12, `tick count ${t.values.length}`);
    const mant = t.step / 10 ** Math.floor(Math.log10(t.step) + 1e-9);
    assert.ok([1, 2, 5].some((m) => Math.abs(mant - m) < 1e-9), `step ${t.step} is 1, 2 or 5 × 10^k`);
    for (let i = 1; i < t.values.length; i++) assert.ok(Math.abs(t.values[i]! - t.values[i - 1]! - t.step) < t.step * 1e-6);
  }
});

test('log ticks: decades, with 2 and 5 on short ranges', () => {
  assert.deepEqual(logTicks(3e-5, 2e-3).values, [1e-5, 1e-4, 1e-3, 1e-2]);
  assert.deepEqual(logTicks(2, 30).values, [1, 2, 5, 10, 20, 50, 100]);
  assert.deepEqual(logTicks(0.5, 20).values, [0.1, 1, 10, 100]);
});

test('tick labels', () => {
  assert.equal(formatTick(20000, 10000), '20k');
  assert.equal(formatTick(12500, 500), '12.5k');
  assert.equal(formatTick(1500000, 500000), '1.5M');
  assert.equal(formatTick(0.30000000000000004, 0.1), '0.3');
  assert.equal(formatTick(3, 1), '3');
  assert.equal(formatTick(1e-4, NaN), '1e−4');
  assert.equal(formatTick(2.5e-4, 5e-5), '2.5e−4');
  assert.equal(formatTick(0, 0.1), '0');
});
