// NaN/Inf detection: a learning rate that blows the weights up stops the run with a message naming the step
// and what went non-finite, before the optimizer touches the weights, and the last good checkpoint stays.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTrainConfig } from '../../src/train/config.js';
import { train } from '../../src/train/loop.js';
import { listCheckpoints, loadCheckpoint } from '../../src/train/checkpoint.js';
import { MetricsLog } from '../../src/train/metrics.js';
import { openData } from '../../src/train/open-data.js';
import { NonFiniteError } from '../../src/util/errors.js';
import { tinyRunConfig, tmpRun } from './helpers.js';

test('a divergent run stops with a clear message and keeps its last good checkpoint', () => {
  // AdamW moves every weight by ~lr per step: at lr 1e30 the logits overflow float32 on the next forward pass.
  const cfg = parseTrainConfig(tinyRunConfig(tmpRun('nan'), {
    optim: { lr: 1e30, gradClip: 0 }, schedule: { steps: 12, warmupSteps: 0, annealSteps: 0 },
    stages: [{ fromStep: 0, seqLen: 8, batchSize: 2 }], checkpoint: { every: 1, keep: 3 }, average: { checkpoints: 1 },
  }), 'nan');
  let err: unknown;
  try {
    train(cfg, openData(cfg, false), { quiet: true });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof NonFiniteError, `expected a NonFiniteError, got ${String(err)}`);
  const m = /^step (?<step>\d+): the (loss|gradient norm) is (NaN|-?Infinity)( \(first non-finite gradient: [\w.]+\))?; stopped before the optimizer update, the last good checkpoint is (?<path>\S+) \(step (?<good>\d+)\)/.exec(err.message);
  assert.ok(m?.groups, err.message);
  const failed = Number(m.groups.step);
  assert.ok(failed >= 2, err.message);
  // The checkpoint it names is the newest on disk, one step earlier, intact (checksum verified on load).
  const last = listCheckpoints(cfg.out).at(-1)!;
  assert.equal(last.path, m.groups.path);
  assert.equal(last.step, failed - 1);
  assert.equal(Number(m.groups.good), failed - 1);
  assert.equal(loadCheckpoint(last.path).meta.step, failed - 1);
  // Nothing was logged for the failed step.
  assert.equal(Math.max(...new MetricsLog(cfg.out).rows().map((r) => r.step)), failed - 1);
});
