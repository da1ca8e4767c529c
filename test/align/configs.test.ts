// The bundled SFT, reward-model and evaluation configs parse (unknown keys would be errors), and their data
// sources are the styles the README documents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readSftRun } from '../../src/align/sft-run.js';
import { readRewardRun } from '../../src/align/reward-run.js';
import { readEvalRun } from '../../src/eval/run.js';
import { REPO_ROOT } from '../helpers/cli.js';

const dir = join(REPO_ROOT, 'configs');
const files = readdirSync(dir);

test('configs/sft-*.json, rm-*.json and eval-*.json parse', () => {
  const sft = files.filter((f) => f.startsWith('sft-'));
  const rm = files.filter((f) => f.startsWith('rm-'));
  const ev = files.filter((f) => f.startsWith('eval-'));
  assert.ok(sft.length >= 7 && rm.length >= 2 && ev.length >= 1);
  const styles = new Set(sft.flatMap((f) => readSftRun(join(dir, f)).data.train.map((s) => s.style)));
  assert.deepEqual([...styles].sort(), ['alpaca', 'chat', 'lima-curated', 'lima-noisy', 'orca', 'self-instruct', 'sharegpt']);
  for (const f of rm) assert.equal(readRewardRun(join(dir, f)).stage.epochs, 1, f);
  for (const f of ev) assert.ok(readEvalRun(join(dir, f)).models.length >= 1, f);
});
