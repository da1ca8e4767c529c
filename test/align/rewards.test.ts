import { test } from 'node:test';
import assert from 'node:assert/strict';
import { combineRewards, gae, logit, tokenRewards, whiten } from '../../src/align/rewards.js';

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('the Llama 2 safety gate picks the safety score for unsafe prompts or low safety scores', () => {
  assert.equal(combineRewards(0.9, 0.8, false), 0.9); // safe prompt, safe answer → helpfulness
  assert.equal(combineRewards(0.9, 0.1, false), 0.1); // safety < 0.15 → safety
  assert.equal(combineRewards(0.9, 0.8, true), 0.8); // unsafe prompt → safety
});

test('logit undoes a sigmoid; whiten standardises; constant batches whiten to zero', () => {
  close(logit(1 / (1 + Math.exp(-1.7))), 1.7, 1e-12);
  const w = whiten([1, 2, 3, 4]);
  close(w.reduce((a, b) => a + b, 0), 0, 1e-12);
  close(Math.sqrt(w.reduce((a, b) => a + b * b, 0) / 4), 1, 1e-6);
  assert.deepEqual([...whiten([5, 5, 5])], [0, 0, 0]);
});

test('per-token KL penalty with the sequence reward on the last token', () => {
  const r = tokenRewards(2, [-1, -2, -3], [-1.5, -2, -2], 0.1);
  close(r[0]!, -0.1 * 0.5);
  close(r[1]!, 0);
  close(r[2]!, 0.1 + 2);
});

test('GAE by hand: γ = 1, λ = 0.5', () => {
  const { advantages, returns } = gae([0, 0, 1], [0.5, 0.25, 0.5], 1, 0.5);
  // δ2 = 1 − 0.5 = 0.5; δ1 = 0 + 0.5 − 0.25 = 0.25; δ0 = 0 + 0.25 − 0.5 = −0.25
  // A2 = 0.5; A1 = 0.25 + 0.5·0.5 = 0.5; A0 = −0.25 + 0.5·0.5 = 0
  assert.deepEqual([...advantages], [0, 0.5, 0.5]);
  assert.deepEqual([...returns], [0.5, 0.75, 1]);
});
