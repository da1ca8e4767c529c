// `llamats train` end to end on a few documents: the summary, and the export — model.gguf and hf/ reload through
// src/io with exactly the averaged parameters (Polyak average of the last checkpoints) and carry the trained
// tokenizer, which encodes text the same way after the round trip.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadModel } from '../../src/io/model-file.js';
import { readF32 } from '../../src/io/weights.js';
import { paramSpecs } from '../../src/model/params.js';
import { loadTokenizer } from '../../src/tokenizer/load.js';
import { averageParams } from '../../src/train/average.js';
import { listCheckpoints, loadCheckpoint } from '../../src/train/checkpoint.js';
import { parseTrainConfig } from '../../src/train/config.js';
import { pretrain } from '../../src/train/pretrain.js';
import { ParameterSet } from '../../src/tensor/index.js';
import { tinyRunConfig, tmpRun } from './helpers.js';

test('pretrain: summary, averaged export to GGUF and HF with the trained tokenizer', () => {
  const cfg = parseTrainConfig(tinyRunConfig(tmpRun('pretrain'), {
    data: { kind: 'corpus', sources: [{ kind: 'sotu', limit: 6 }], tokenizer: { vocabSize: 400 }, valFraction: 0.3 },
    schedule: { steps: 6, warmupSteps: 1, annealSteps: 2 },
    stages: [{ fromStep: 0, seqLen: 32, batchSize: 2 }, { fromStep: 3, seqLen: 64, batchSize: 2, ropeTheta: 5e5 }],
    checkpoint: { every: 2, keep: 3 },
    average: { checkpoints: 2 },
    sample: { prompt: 'The Congress', tokens: 8 },
  }), 'pretrain');
  const s = pretrain(cfg, { quiet: true });
  assert.equal(s.step, 6);
  assert.deepEqual(JSON.parse(readFileSync(join(cfg.out, 'summary.json'), 'utf8')), JSON.parse(JSON.stringify(s)));
  assert.ok(s.valLoss !== null && Number.isFinite(s.valLoss) && Math.abs(s.valPerplexity! - Math.exp(s.valLoss)) < 1e-9);
  assert.ok(s.unigramEntropy > 0);
  assert.deepEqual(s.average?.checkpoints, [4, 6]);
  assert.equal(s.valLoss, s.average!.valLossAverage);
  assert.ok(s.sample!.startsWith('The Congress'));
  for (const f of ['metrics.jsonl', 'loss.svg', 'lr.svg', 'grad-norm.svg', 'throughput.svg', 'tokenizer.json']) assert.ok(existsSync(join(cfg.out, f)), f);

  // The exported weights are the Polyak average of the last two checkpoints, bit for bit, in both formats.
  const cks = listCheckpoints(cfg.out).slice(-2).map((c) => loadCheckpoint(c.path));
  const expected = new ParameterSet(paramSpecs(cks[1]!.meta.model));
  expected.data.set(averageParams(cks.map((c) => c.params)));
  assert.deepEqual(s.exported, [join(cfg.out, 'model.gguf'), join(cfg.out, 'hf')]);
  const trained = loadTokenizer(join(cfg.out, 'tokenizer.json'));
  const text = 'Mr. Speaker, the state of the Union is strong.';
  for (const path of s.exported) {
    const ws = loadModel(path);
    assert.equal(ws.config.ropeTheta, 5e5, `${path}: the last stage's RoPE θ`);
    assert.equal(ws.config.maxSeqLen, 64);
    assert.equal(ws.config.vocabSize, trained.vocabSize);
    for (const spec of paramSpecs(ws.config)) {
      assert.deepEqual(readF32(ws.tensors.get(spec.name)!, spec.name), expected.get(spec.name).data, `${path}: ${spec.name}`);
    }
    const tok = loadTokenizer(path.endsWith('.gguf') ? path : join(path, 'tokenizer.json'));
    assert.deepEqual(tok.encode(text), trained.encode(text), path);
  }
});
