import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRESETS } from '../../src/model/presets.js';
import { countParams } from '../../src/model/params.js';
import { ffnDim } from '../../src/model/config.js';

// Oracle: the published parameter counts (Meta model cards / HF safetensors metadata), recomputed in
// docs/llama-recipe.md §1.
const published: Record<string, number> = {
  'llama2-7b': 6_738_415_616,
  'llama2-13b': 13_015_864_320,
  'llama2-70b': 68_976_648_192,
  'llama3-8b': 8_030_261_248,
  'llama3.1-8b': 8_030_261_248,
  'llama3-70b': 70_553_706_496,
  'llama3.1-70b': 70_553_706_496,
  'llama3.1-405b': 405_853_388_800,
  'llama3.2-1b': 1_235_814_400,
  'llama3.2-3b': 3_212_749_824,
};

for (const [name, count] of Object.entries(published)) {
  test(`parameter count of ${name} equals the published ${count}`, () => {
    assert.equal(countParams(PRESETS[name]!()), count);
  });
}

test('FFN widths follow the published rounding rule (recipe §1 table)', () => {
  assert.equal(ffnDim(4096, 256), 11008);
  assert.equal(ffnDim(5120, 256), 13824);
  assert.equal(ffnDim(8192, 4096, 1.3), 28672);
  assert.equal(ffnDim(4096, 1024, 1.3), 14336);
  assert.equal(ffnDim(16384, 4096, 1.2), 53248);
  assert.equal(ffnDim(2048, 256, 1.5), 8192);
  assert.equal(ffnDim(3072, 256, 1.0), 8192);
});

test('laptop presets have the llama2.c TinyStories sizes', () => {
  // karpathy/llama2.c README: stories15M, stories42M, stories110M (tied classifier).
  const approx = (n: number, m: number) => Math.abs(n - m) / m < 0.03;
  assert.ok(approx(countParams(PRESETS.stories15m!()), 15e6));
  assert.ok(approx(countParams(PRESETS.stories42m!()), 42e6));
  assert.ok(approx(countParams(PRESETS.stories110m!()), 110e6));
  assert.equal(PRESETS.stories15m!().ffnDim, 768);
  assert.equal(PRESETS.stories42m!().ffnDim, 1376);
});
