// The bundled rs/ppo/dpo/gatt configs parse (unknown keys would be errors) and keep the paper values they do not
// deliberately scale (clip 0.2, DPO β 0.1 and NLL 0.2, the 0.15 safety gate).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readRsRun } from '../../src/align/rs-run.js';
import { readPpoRun } from '../../src/align/ppo-run.js';
import { readDpoRun } from '../../src/align/dpo-run.js';
import { readGattRun } from '../../src/align/gatt-run.js';
import { readRoundsRun } from '../../src/align/rounds-run.js';
import { REPO_ROOT } from '../helpers/cli.js';

const cfg = (name: string) => join(REPO_ROOT, 'configs', name);

test('configs/{rs,ppo,dpo,gatt}-tiny.json parse with the paper values', () => {
  const rs = readRsRun(cfg('rs-tiny.json'));
  assert.ok(rs.stage.k >= 10 && rs.stage.safetyThreshold === 0.15);
  const ppo = readPpoRun(cfg('ppo-tiny.json'));
  assert.equal(ppo.stage.clip, 0.2);
  assert.equal(ppo.stage.safetyThreshold, 0.15);
  const dpo = readDpoRun(cfg('dpo-tiny.json'));
  assert.equal(dpo.stage.beta, 0.1);
  assert.equal(dpo.stage.nllWeight, 0.2);
  assert.equal(dpo.stage.maskFormat, true);
  const gatt = readGattRun(cfg('gatt-tiny.json'));
  assert.equal(gatt.stage.evalTurns, 20);
  const r2 = readRoundsRun(cfg('rounds-llama2-tiny.json'));
  assert.equal(r2.schedule.style, 'llama2');
  const r3 = readRoundsRun(cfg('rounds-llama3-tiny.json'));
  assert.equal(r3.schedule.style === 'llama3' && r3.schedule.dpo.beta, 0.1);
});
