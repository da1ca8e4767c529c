// Gradient accumulation: one step over 4 sequences as 4 micro-batches of 1 gives the loss, the gradient norm and the
// updated weights of the same step as one batch of 4 (up to float32 summation order): each micro-batch's summed
// token loss is divided by the whole step's target count.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTrainConfig } from '../../src/train/config.js';
import { train } from '../../src/train/loop.js';
import { MetricsLog, type TrainRow } from '../../src/train/metrics.js';
import { openData } from '../../src/train/open-data.js';
import { tinyRunConfig, tmpRun } from './helpers.js';

function oneStep(microBatch: number) {
  const cfg = parseTrainConfig(tinyRunConfig(tmpRun(`accum-${microBatch}`), {
    schedule: { steps: 2, warmupSteps: 0, annealSteps: 0 }, stages: [{ fromStep: 0, seqLen: 16, batchSize: 4, microBatch }], average: { checkpoints: 1 },
  }), 'accum');
  const r = train(cfg, openData(cfg, false), { quiet: true });
  const rows = new MetricsLog(cfg.out).rows().filter((x): x is TrainRow => x.kind === 'train');
  return { losses: r.losses, norms: rows.map((x) => x.gradNorm), params: r.model.params.data };
}

test('4 micro-batches of 1 = 1 batch of 4', () => {
  const whole = oneStep(4);
  const split = oneStep(1);
  for (let i = 0; i < 2; i++) {
    assert.ok(Math.abs(whole.losses[i]! - split.losses[i]!) < 1e-5, `loss ${whole.losses[i]} vs ${split.losses[i]}`);
    // AdamW is invariant to the gradient's scale; the norm is not, so a wrong normalisation shows here.
    assert.ok(Math.abs(whole.norms[i]! / split.norms[i]! - 1) < 1e-4, `grad norm ${whole.norms[i]} vs ${split.norms[i]}`);
  }
  let maxDiff = 0;
  for (let i = 0; i < whole.params.length; i++) maxDiff = Math.max(maxDiff, Math.abs(whole.params[i]! - split.params[i]!));
  assert.ok(maxDiff < 1e-4, `max parameter difference ${maxDiff}`); // lr 1e-2 steps move weights by ~1e-2
});
