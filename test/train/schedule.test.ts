// Learning-rate and batch schedules against values worked out by hand.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchAt, isAnnealing, lrAt, type LrSchedule } from '../../src/train/schedule.js';

const close = (got: number, want: number) => assert.ok(Math.abs(got - want) <= 1e-12 * Math.max(1, Math.abs(want)), `got ${got}, want ${want}`);

// Peak 1e-3, floor 1e-4, 100 steps: warmup 0..9, cosine 10..79 (70 steps), annealing 80..99.
const s: LrSchedule = { lr: 1e-3, minLrRatio: 0.1, steps: 100, warmupSteps: 10, annealSteps: 20 };

test('warmup: lr·(step+1)/(warmup+1)', () => {
  close(lrAt(0, s), 1e-3 / 11);
  close(lrAt(4, s), 5e-3 / 11);
  close(lrAt(9, s), 1e-2 / 11);
});

test('cosine from the peak to 10% of it (Llama 2 §2.2)', () => {
  close(lrAt(10, s), 1e-3); // ratio 0
  close(lrAt(45, s), 1e-4 + 0.5 * 9e-4); // ratio 35/70 = 1/2: cos(π/2) = 0
  // step 24: ratio 14/70 = 0.2 → 1e-4 + 9e-4·(1+cos(0.2π))/2
  close(lrAt(24, s), 1e-4 + 9e-4 * (1 + Math.cos(0.2 * Math.PI)) / 2);
  assert.ok(lrAt(79, s) > 1e-4 && lrAt(79, s) < 1e-4 + 1e-6);
});

test('annealing: linearly from the floor to 0 over the last steps (Llama 3 §3.4.3)', () => {
  close(lrAt(80, s), 1e-4); // continuous with the cosine's end
  close(lrAt(90, s), 5e-5);
  close(lrAt(99, s), 5e-6); // 1/20 of the floor: the last step still learns; step 100 would be 0
  assert.equal(isAnnealing(79, s), false);
  assert.equal(isAnnealing(80, s), true);
  assert.equal(isAnnealing(99, { steps: 100, annealSteps: 0 }), false);
});

test('without annealing the cosine ends at the floor on the last step', () => {
  const c = { ...s, annealSteps: 0 };
  close(lrAt(10, c), 1e-3);
  close(lrAt(55, c), 5.5e-4); // ratio 45/90
  close(lrAt(99, c), 1e-4 + 9e-4 * (1 + Math.cos((89 / 90) * Math.PI)) / 2);
});

test('no warmup starts at the peak', () => {
  close(lrAt(0, { ...s, warmupSteps: 0 }), 1e-3);
});

test('batch ramp and context stages: the last stage whose fromStep ≤ step', () => {
  const stages = [
    { fromStep: 0, seqLen: 128, batchSize: 16, microBatch: 8 },
    { fromStep: 50, seqLen: 128, batchSize: 32, microBatch: 8 },
    { fromStep: 80, seqLen: 512, batchSize: 8, microBatch: 2, ropeTheta: 5e5 },
  ];
  assert.deepEqual(batchAt(0, stages), { stage: 0, seqLen: 128, batchSize: 16, microBatch: 8, accumulation: 2, ropeTheta: null });
  assert.deepEqual(batchAt(49, stages), { stage: 0, seqLen: 128, batchSize: 16, microBatch: 8, accumulation: 2, ropeTheta: null });
  assert.deepEqual(batchAt(50, stages), { stage: 1, seqLen: 128, batchSize: 32, microBatch: 8, accumulation: 4, ropeTheta: null });
  assert.deepEqual(batchAt(1000, stages), { stage: 2, seqLen: 512, batchSize: 8, microBatch: 2, accumulation: 4, ropeTheta: 5e5 });
  assert.equal(batchAt(3, [{ fromStep: 0, seqLen: 4, batchSize: 6 }]).accumulation, 1);
});
