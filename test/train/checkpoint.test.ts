// Checkpoint files: exact round trip, and every kind of damage is detected with a message naming the file.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkpointPath, listCheckpoints, loadCheckpoint, pruneCheckpoints, saveCheckpoint, type Checkpoint } from '../../src/train/checkpoint.js';
import { parseTrainConfig } from '../../src/train/config.js';
import { tiny } from '../../src/model/presets.js';
import { Rng } from '../../src/util/rng.js';

function sample(n: number): Checkpoint {
  const rng = new Rng(5);
  const arr = () => Float32Array.from({ length: n }, () => rng.normal());
  const params = arr();
  params[0] = -0; // signed zero and subnormals survive too
  params[1] = 1e-40;
  return {
    meta: { step: 7, tokens: 7 * 64, floats: n, config: parseTrainConfig({ out: 'x' }, 't'), model: tiny(), data: { rng: [1, 2, 3, 4] }, valLoss: 3.25 },
    params, m: arr(), v: arr().map(Math.abs),
  };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'llamats-ckpt-'));

test('save → load is bit-exact and keeps the metadata', () => {
  const dir = tmp();
  const c = sample(1001);
  const path = checkpointPath(dir, 7);
  saveCheckpoint(path, c);
  const back = loadCheckpoint(path);
  assert.deepEqual(back.meta, JSON.parse(JSON.stringify(c.meta)));
  for (const k of ['params', 'm', 'v'] as const) assert.deepEqual(new Uint8Array(back[k].buffer), new Uint8Array(c[k].buffer), k);
  assert.ok(Object.is(back.params[0], -0));
  // Atomic write: no temporary file left behind.
  assert.deepEqual(readdirSync(join(dir, 'checkpoints')), ['step-00000007.ckpt']);
});

test('a flipped bit, a truncated file and a foreign file are each rejected by name', () => {
  const dir = tmp();
  const path = checkpointPath(dir, 1);
  saveCheckpoint(path, sample(100));
  const good = readFileSync(path);
  const flipped = Buffer.from(good);
  flipped[good.length - 100]! ^= 0x10;
  writeFileSync(path, flipped);
  assert.throws(() => loadCheckpoint(path), (e: Error) => e.message.includes(path) && /SHA-256/.test(e.message));
  writeFileSync(path, good.subarray(0, good.length - 4));
  assert.throws(() => loadCheckpoint(path), /size: expected/);
  const foreign = Buffer.from(good);
  foreign.write('GGUF', 0, 'latin1');
  writeFileSync(path, foreign);
  assert.throws(() => loadCheckpoint(path), /magic/);
  assert.throws(() => loadCheckpoint(join(dir, 'missing.ckpt')), /missing\.ckpt: file/);
});

test('listing is by step and pruning keeps the newest', () => {
  const dir = tmp();
  for (const s of [30, 10, 20, 40]) saveCheckpoint(checkpointPath(dir, s), { ...sample(8), meta: { ...sample(8).meta, step: s } });
  assert.deepEqual(listCheckpoints(dir).map((c) => c.step), [10, 20, 30, 40]);
  pruneCheckpoints(dir, 2);
  assert.deepEqual(listCheckpoints(dir).map((c) => c.step), [30, 40]);
  assert.deepEqual(listCheckpoints(join(dir, 'nope')), []);
});

test('loading without the AdamW moments still verifies them', () => {
  const dir = tmp();
  const path = checkpointPath(dir, 2);
  const c = sample(300);
  saveCheckpoint(path, c);
  const p = loadCheckpoint(path, { moments: false });
  assert.deepEqual(p.params, c.params);
  assert.equal(p.m.length + p.v.length, 0);
  const bad = readFileSync(path);
  bad[bad.length - 40]! ^= 1; // inside v
  writeFileSync(path, bad);
  assert.throws(() => loadCheckpoint(path, { moments: false }), /SHA-256/);
});
