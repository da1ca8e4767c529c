import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStage, stageKey, type StageRunner } from '../../src/recipe/stage.js';
import { merge, parseRecipeConfig } from '../../src/recipe/config.js';
import { ConfigError } from '../../src/util/errors.js';

process.env.LLAMATS_QUIET = '1';
const dir = mkdtempSync(join(tmpdir(), 'llamats-stage-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('a remembered stage is reused when its key is unchanged and recomputed when it changes or with fresh', () => {
  let calls = 0;
  const fn = () => ({ value: ++calls });
  const runner = (fresh = false): StageRunner => ({ out: dir, fresh, records: [] });
  assert.equal(runStage(runner(), 's', stageKey({ a: 1 }), fn).result.value, 1);
  assert.equal(runStage(runner(), 's', stageKey({ a: 1 }), fn).result.value, 1); // reused
  assert.equal(runStage(runner(), 's', stageKey({ a: 2 }), fn).result.value, 2); // config changed
  assert.equal(runStage(runner(true), 's', stageKey({ a: 2 }), fn).result.value, 3); // --fresh
  assert.equal(calls, 3);
});

test('stage keys depend on every part and its order', () => {
  assert.notEqual(stageKey(1, 2), stageKey(2, 1));
  assert.equal(stageKey({ x: [1, 2] }), stageKey({ x: [1, 2] }));
});

test('recipe configs: defaults, strict keys, deep merge of overrides', () => {
  const c = parseRecipeConfig({}, 'test');
  assert.equal(c.out, 'runs/recipe');
  assert.equal(c.quick, false);
  assert.throws(() => parseRecipeConfig({ sedd: 1 }, 'cfg.json'), (e) => e instanceof ConfigError && /cfg\.json/.test(e.message));
  assert.deepEqual(merge({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] } }), { a: { b: 1, c: [3] }, d: 1 });
});
