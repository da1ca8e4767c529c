// Shared helpers for the io tests: a scratch folder per test file, and an assertion that a call fails with
// a FileFormatError naming the file and the expected field.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { FileFormatError } from '../../src/util/errors.js';

/** A scratch folder removed after the test file; `ram` puts it on tmpfs (/dev/shm) when there is one. */
export function scratchDir(tag: string, opts: { ram?: boolean } = {}): string {
  const base = opts.ram && existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dir = mkdtempSync(join(base, `llamats-${tag}-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Asserts that `fn` throws a FileFormatError for `file` whose field matches `field`. */
export function assertFormatError(fn: () => unknown, file: string, field: RegExp): FileFormatError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof FileFormatError, `expected a FileFormatError, got ${(e as Error)?.stack ?? String(e)}`);
    assert.equal(e.file, file);
    assert.match(e.field, field, e.message);
    return e;
  }
  assert.fail(`expected a FileFormatError on field ${field}, but the call succeeded`);
}

/** test/fixtures/<sub>/ whether the tests run from test/ (tsx) or from dist/test/ (npm test, compiled). */
export function fixtureDir(sub: string): string {
  const here = import.meta.dirname;
  const root = here.includes(join('dist', 'test')) ? join(here, '..', '..', '..') : join(here, '..', '..');
  return join(root, 'test', 'fixtures', sub);
}

export const VOCAB_DIR = fixtureDir('vocab');

import type { ModelConfig } from '../../src/model/config.js';
import { numel, paramSpecs } from '../../src/model/params.js';
import { f32Tensor } from '../../src/io/model-file.js';
import type { WeightTensor } from '../../src/io/weights.js';
import { Rng } from '../../src/util/rng.js';

/** A small Llama with every feature: GQA (4 heads, 2 KV heads), two layers, untied output. */
export const miniConfig = (over: Partial<ModelConfig> = {}): ModelConfig => ({
  dim: 64, nLayers: 2, nHeads: 4, nKvHeads: 2, headDim: 16, ffnDim: 128, vocabSize: 96, normEps: 1e-5, ropeTheta: 10000,
  ropeScaling: null, maxSeqLen: 512, tiedEmbeddings: false, ...over,
});

/** Random f32 weights, uniform with std ≈ 0.02 like Llama's init (norms around 1); cheap for big vocabularies. */
export function randomTensors(config: ModelConfig, seed: number): Map<string, WeightTensor> {
  const rng = new Rng(seed);
  const fill = (n: number, base: number, scale: number) => {
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = base + scale * (rng.uniform() - 0.5);
    return x;
  };
  return new Map(paramSpecs(config).map((s) => [s.name, f32Tensor(s.shape, s.kind === 'norm' ? fill(numel(s.shape), 1, 0.3) : fill(numel(s.shape), 0, 0.07))]));
}
