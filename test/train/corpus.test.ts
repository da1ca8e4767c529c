// Real-text data: documents from src/data, a trained tokenizer saved in the run folder, packed batches with
// document masks, the unigram baseline — and a resume through the packer's cursor and the saved tokenizer
// that reproduces the uninterrupted losses bit for bit.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseTrainConfig } from '../../src/train/config.js';
import { openCorpus } from '../../src/train/corpus.js';
import { train } from '../../src/train/loop.js';
import { unigramCrossEntropy, countTokens } from '../../src/train/data.js';
import { tinyRunConfig, tmpRun } from './helpers.js';

const config = (out: string) => parseTrainConfig(tinyRunConfig(out, {
  data: { kind: 'corpus', sources: [{ kind: 'moby-dick', limit: 8 }, { kind: 'math', count: 30, seed: 1 }], tokenizer: { vocabSize: 400 }, valFraction: 0.25 },
  schedule: { steps: 8, warmupSteps: 1, annealSteps: 3 },
  stages: [{ fromStep: 0, seqLen: 32, batchSize: 4, microBatch: 2 }],
  checkpoint: { every: 2, keep: 4 },
}), 'corpus');

test('unigram cross-entropy by hand: counts (3, 1) + add-one → p = 4/6, 2/6', () => {
  const counts = countTokens(2, [[0, 0, 0, 1]]);
  assert.deepEqual([...counts], [3, 1]);
  const h = unigramCrossEntropy(counts, [0, 1, -100]);
  assert.ok(Math.abs(h - -(Math.log(4 / 6) + Math.log(2 / 6)) / 2) < 1e-12);
});

test('corpus data: tokenizer saved, packed rows with BOS-led documents, a unigram baseline below log V', () => {
  const cfg = config(tmpRun('corpus-data'));
  const data = openCorpus(cfg, false);
  assert.ok(existsSync(join(cfg.out, 'tokenizer.json')));
  assert.ok(data.vocabSize <= 400 && data.vocabSize > 256);
  const b = data.next(4, 32, false);
  assert.equal(b.tokens.length, 4 * 32);
  assert.equal(b.tokens[0], data.tokenizer.bos); // a fresh stream starts with a document
  for (let i = 0; i < b.tokens.length; i++) if (b.positions[i] === 0) assert.ok(b.tokens[i] === data.tokenizer.bos || i % 32 === 0);
  const h = data.unigramEntropy(32, 8);
  assert.ok(h > 3 && h < Math.log(data.vocabSize) + 0.5, `unigram entropy ${h}`);
  // The validation set is fixed.
  assert.deepEqual(data.validation(4, 32, 6), data.validation(4, 32, 6));
  assert.equal(data.validation(4, 32, 6).reduce((n, v) => n + v.B, 0), 6);
});

test('resume through the packer cursor and the saved tokenizer is bit-exact', () => {
  const full = config(tmpRun('corpus-full'));
  const a = train(full, openCorpus(full, false), { quiet: true });
  const split = config(tmpRun('corpus-split'));
  train(split, openCorpus(split, false), { quiet: true, stopAt: 5 });
  const b = train(split, openCorpus(split, true), { quiet: true, resume: true });
  assert.deepEqual(b.losses, a.losses.slice(4));
  assert.deepEqual(new Uint8Array(b.model.params.data.buffer), new Uint8Array(a.model.params.data.buffer));
});

test('a split that holds out nothing is a config error naming data.valFraction', () => {
  const cfg = parseTrainConfig(tinyRunConfig(tmpRun('corpus-split0'), {
    data: { kind: 'corpus', sources: [{ kind: 'moby-dick', limit: 2 }], tokenizer: { vocabSize: 400 }, valFraction: 0.001 },
  }), 'corpus');
  assert.throws(() => openCorpus(cfg, false), /data\.valFraction: expected a fraction that leaves documents on both sides \(2 documents\), got 0\.001: 2 training, 0 held out/);
});
