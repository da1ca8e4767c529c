// Resume identity (torchtune test_training_state_on_resume, bit for bit): N uninterrupted steps versus k steps,
// a checkpoint, a fresh process state loaded from it, and N − k more steps give the same losses (===), the same
// metrics.jsonl and the same final parameters — across a batch ramp, a RoPE-θ stage change and annealing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTrainConfig } from '../../src/train/config.js';
import { train } from '../../src/train/loop.js';
import { MetricsLog, type TrainRow } from '../../src/train/metrics.js';
import { openData } from '../../src/train/open-data.js';
import { listCheckpoints } from '../../src/train/checkpoint.js';
import { tinyRunConfig, tmpRun } from './helpers.js';

const trainLosses = (out: string) => new MetricsLog(out).rows().filter((r): r is TrainRow => r.kind === 'train').map((r) => [r.step, r.loss, r.lr, r.gradNorm]);
const evalRows = (out: string) => new MetricsLog(out).rows().filter((r) => r.kind !== 'train');

test('k steps + checkpoint + resume = N uninterrupted steps, bit for bit', () => {
  const full = parseTrainConfig(tinyRunConfig(tmpRun('full')), 'full');
  const a = train(full, openData(full, false), { quiet: true });
  assert.equal(a.losses.length, 12);
  assert.ok(a.losses[11]! < a.losses[0]!, `the loss falls: ${a.losses.join(', ')}`);

  const split = parseTrainConfig(tinyRunConfig(tmpRun('split')), 'split');
  const b1 = train(split, openData(split, false), { quiet: true, stopAt: 5 }); // checkpoint at 3; steps 4–5 are lost
  assert.deepEqual(b1.losses, a.losses.slice(0, 5));
  assert.deepEqual(listCheckpoints(split.out).map((c) => c.step), [3]);
  const b2 = train(split, openData(split, true), { quiet: true, resume: true });
  assert.deepEqual(b2.losses, a.losses.slice(3)); // === on every float
  assert.deepEqual(trainLosses(split.out), trainLosses(full.out));
  assert.deepEqual(evalRows(split.out), evalRows(full.out));
  assert.deepEqual(new Uint8Array(b2.model.params.data.buffer), new Uint8Array(a.model.params.data.buffer));
  assert.equal(b2.valLoss, a.valLoss);
});

test('resume refuses a changed config, and a fresh run refuses a folder with checkpoints', () => {
  const out = tmpRun('guard');
  const cfg = parseTrainConfig(tinyRunConfig(out, { schedule: { steps: 3, warmupSteps: 1, annealSteps: 0 }, stages: [{ fromStep: 0, seqLen: 8, batchSize: 2 }] }), 'guard');
  train(cfg, openData(cfg, false), { quiet: true });
  assert.throws(() => train(cfg, openData(cfg, false), { quiet: true }), /out: expected a folder without checkpoints/);
  const changed = parseTrainConfig(tinyRunConfig(out, { schedule: { steps: 3, warmupSteps: 1, annealSteps: 0 }, stages: [{ fromStep: 0, seqLen: 8, batchSize: 2 }], optim: { lr: 2e-2 } }), 'guard');
  assert.throws(() => train(changed, openData(changed, true), { quiet: true, resume: true }), /--resume: config\.optim\.lr: expected 0\.01 as in .*step-00000003\.ckpt.*, got 0\.02/);
  const empty = parseTrainConfig(tinyRunConfig(tmpRun('empty')), 'empty');
  assert.throws(() => train(empty, openData(empty, true), { quiet: true, resume: true }), /a checkpoint to resume from/);
});
