import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as T from '../../src/tensor/index.js';
import { initLlama } from '../../src/model/llama.js';
import { loadInferenceModel, loadTrainableModel, saveTrainedModel } from '../../src/model/load.js';
import { KVCache } from '../../src/model/inference.js';
import { tiny } from '../../src/model/presets.js';
import { loadTokenizer } from '../../src/tokenizer/load.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'llamats-load-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const config = { ...tiny(), vocabSize: 32000, ropeScaling: { factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 8192 }, ropeTheta: 500000 };
const tokens = [1, 450, 4996, 17354, 1701, 29916];

function referenceLogits(): Float32Array {
  const model = initLlama(config, 7);
  return T.tidy(() => T.noGrad(() => {
    const all = model.logits(model.hidden(Int32Array.from(tokens), 1, tokens.length)).toFloat32Array();
    return all.subarray((tokens.length - 1) * config.vocabSize);
  }));
}

for (const target of ['model.gguf', 'hf-folder']) {
  test(`a model saved as ${target} loads back with the same logits and its tokenizer`, () => {
    const tok = loadTokenizer('test/fixtures/vocab/ggml-vocab-llama-spm.gguf');
    const path = join(dir, target);
    saveTrainedModel(path, initLlama(config, 7), tok);
    const m = loadInferenceModel(path);
    assert.deepEqual(m.config, config);
    assert.equal(m.tokenizer?.encode('Hello world').join(), tok.encode('Hello world').join());
    const got = m.decoder.forward(tokens, new KVCache(m.config, 16));
    const want = referenceLogits();
    for (let v = 0; v < config.vocabSize; v++) assert.ok(Math.abs(got[v]! - want[v]!) < 1e-5, `logit ${v}`);
    const { model } = loadTrainableModel(path);
    assert.deepEqual(model.params.data, initLlama(config, 7).params.data);
  });
}

test('llamats init and logits on the command line', () => {
  const out = join(dir, 'cli.gguf');
  const init = runCli(['init', '--preset', 'tiny', '--seed', '3', '--out', out]);
  assert.equal(init.code, 0, init.stderr);
  const r = runCli(['logits', '--model', out, '--tokens', '1 2 3']);
  assert.equal(r.code, 0, r.stderr);
  const logits = JSON.parse(r.stdout) as number[];
  assert.equal(logits.length, tiny().vocabSize);
  const model = initLlama(tiny(), 3);
  const want = T.tidy(() => T.noGrad(() => model.logits(model.hidden(Int32Array.from([1, 2, 3]), 1, 3)).toFloat32Array())).subarray(2 * 4096);
  for (let v = 0; v < 4096; v += 97) assert.ok(Math.abs(logits[v]! - want[v]!) < 1e-5);
  const bad = runCli(['logits', '--model', out, '--tokens', '1 99999']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /--tokens\[1\].*token id in \[0, 4096\)/);
});
