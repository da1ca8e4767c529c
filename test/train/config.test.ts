// The training config: paper defaults, and every kind of bad input named by field.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { test } from 'node:test';
import { modelConfigOf, parseTrainConfig, readTrainConfig } from '../../src/train/config.js';
import { ConfigError } from '../../src/util/errors.js';

test('defaults are the Llama 2 §2.2 optimizer settings', () => {
  const c = parseTrainConfig({ out: 'runs/x' }, 'c.json');
  assert.deepEqual(c.optim, { lr: 2e-3, minLrRatio: 0.1, beta1: 0.9, beta2: 0.95, eps: 1e-5, weightDecay: 0.1, gradClip: 1.0 });
  assert.equal(c.data.kind, 'corpus');
  assert.equal(c.documentMasking, true);
  assert.deepEqual(c.stages, [{ fromStep: 0, seqLen: 128, batchSize: 16 }]);
  // A partial section keeps the other defaults.
  assert.equal(parseTrainConfig({ out: 'x', optim: { lr: 1e-3 } }, 'c.json').optim.beta2, 0.95);
});

/** Asserts a ConfigError whose message names the source and the field. */
function rejects(json: unknown, field: string, pattern?: RegExp): void {
  assert.throws(() => parseTrainConfig(json, 'cfg.json'), (e: unknown) => {
    assert.ok(e instanceof ConfigError, String(e));
    assert.equal(e.field, field, e.message);
    assert.ok(e.message.startsWith('cfg.json: '), e.message);
    if (pattern) assert.match(e.message, pattern);
    return true;
  });
}

test('unknown keys are errors at every level (typos do not pass silently)', () => {
  rejects({ out: 'x', lr: 1 }, 'lr', /no such key/);
  rejects({ out: 'x', optim: { lrr: 1 } }, 'optim.lrr', /no such key/);
  rejects({ out: 'x', stages: [{ fromStep: 0, seqLen: 8, batchSize: 2, seqlen: 9 }] }, 'stages[0].seqlen');
  rejects({ out: 'x', model: { overrides: { dimm: 3 } } }, 'model.overrides.dimm', /a model config field/);
});

test('wrong types and ranges name the field and what was found', () => {
  rejects({ out: 'x', optim: { lr: 'fast' } }, 'optim.lr', /expected number, got "fast"/);
  rejects({ out: 'x', optim: { beta2: 1 } }, 'optim.beta2');
  rejects({ out: 'x', schedule: { steps: 2.5 } }, 'schedule.steps');
  rejects({}, 'out', /required/);
  rejects({ out: 'x', data: { kind: 'web' } }, 'data.kind', /corpus/);
  rejects(7, '(root)');
});

test('cross-field checks', () => {
  rejects({ out: 'x', stages: [{ fromStep: 0, seqLen: 8, batchSize: 6, microBatch: 4 }] }, 'stages[0].microBatch', /divisor of batchSize/);
  rejects({ out: 'x', stages: [{ fromStep: 3, seqLen: 8, batchSize: 2 }] }, 'stages[0].fromStep');
  rejects({ out: 'x', stages: [{ fromStep: 0, seqLen: 8, batchSize: 2 }, { fromStep: 0, seqLen: 16, batchSize: 2 }] }, 'stages[1].fromStep');
  rejects({ out: 'x', schedule: { steps: 100, warmupSteps: 60, annealSteps: 50 } }, 'schedule.warmupSteps + schedule.annealSteps');
  rejects({ out: 'x', checkpoint: { keep: 2 }, average: { checkpoints: 3 } }, 'checkpoint.keep');
  rejects({ out: 'x', model: { preset: 'llama5' } }, 'model.preset', /tiny/);
  rejects({ out: 'x', model: { overrides: { nKvHeads: 3 } } }, 'model (nKvHeads)', /divisor/);
  rejects({ out: 'x', data: { kind: 'corpus', sources: [{ kind: 'wikipedia' }] } }, 'data.sources[0].kind', /moby-dick/);
});

test('the model takes its vocabulary from the tokenizer and its context from the longest stage', () => {
  const c = parseTrainConfig({ out: 'x', stages: [{ fromStep: 0, seqLen: 64, batchSize: 2 }, { fromStep: 10, seqLen: 512, batchSize: 1 }] }, 'c');
  const m = modelConfigOf(c, 1000);
  assert.equal(m.vocabSize, 1000);
  assert.equal(m.maxSeqLen, 512);
  assert.equal(m.dim, 128); // tiny
});

test('config files: a missing file and bad JSON name the path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'llamats-cfg-'));
  assert.throws(() => readTrainConfig(join(dir, 'nope.json')), /nope\.json: file: expected a JSON training config, got no such file/);
  writeFileSync(join(dir, 'bad.json'), '{"out": ');
  assert.throws(() => readTrainConfig(join(dir, 'bad.json')), /bad\.json: JSON/);
  writeFileSync(join(dir, 'ok.json'), JSON.stringify({ out: 'runs/y', schedule: { steps: 10, warmupSteps: 1, annealSteps: 2 } }));
  assert.equal(readTrainConfig(join(dir, 'ok.json')).schedule.steps, 10);
});

test('every configs/pretrain-*.json parses', () => {
  const here = import.meta.dirname;
  const root = join(here, '..', '..', here.includes(`${sep}dist${sep}`) ? '..' : '');
  const files = readdirSync(join(root, 'configs')).filter((f) => /^pretrain-.*\.json$/.test(f));
  assert.ok(files.length >= 3, files.join(', '));
  for (const f of files) assert.equal(readTrainConfig(join(root, 'configs', f)).out, `runs/${f.replace(/\.json$/, '')}`);
});
