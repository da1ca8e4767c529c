// The crash test the issue asks for: `llamats train` is killed with SIGKILL mid-run, after a checkpoint and
// while later steps were already logged; `llamats train --resume` then produces exactly the loss sequence of an
// uninterrupted run (in metrics.jsonl, compared with ===), and the final checkpoint holds the same parameters.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { checkpointPath, listCheckpoints, loadCheckpoint } from '../../src/train/checkpoint.js';
import { MetricsLog, type TrainRow } from '../../src/train/metrics.js';
import { tinyRunConfig, tmpRun } from './helpers.js';

const cli = fileURLToPath(new URL(`./train-cli${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));
const env: NodeJS.ProcessEnv = { ...process.env, LLAMATS_QUIET: '1' };
delete env.NODE_TEST_CONTEXT;
const steps = 40;

function writeConfig(out: string): string {
  const cfg = tinyRunConfig(out, {
    schedule: { steps, warmupSteps: 4, annealSteps: 8 },
    stages: [{ fromStep: 0, seqLen: 16, batchSize: 4, microBatch: 2 }, { fromStep: 20, seqLen: 32, batchSize: 4, ropeTheta: 50000 }],
    checkpoint: { every: 5, keep: 3 },
  });
  const path = join(dirname(out), 'config.json');
  writeFileSync(path, JSON.stringify(cfg));
  return path;
}

function runToEnd(config: string, resume: boolean): void {
  const r = spawnSync(process.execPath, [...process.execArgv, cli, 'train', '--config', config, ...(resume ? ['--resume'] : [])], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /"valLoss":/); // the JSON summary on stdout
}

const losses = (out: string) => new MetricsLog(out).rows().filter((r): r is TrainRow => r.kind === 'train').map((r) => [r.step, r.loss]);

test('SIGKILL mid-run, then --resume: the same loss sequence as an uninterrupted run', async () => {
  const fullOut = tmpRun('uninterrupted');
  runToEnd(writeConfig(fullOut), false);

  const out = tmpRun('killed');
  const config = writeConfig(out);
  const child = spawn(process.execPath, [...process.execArgv, cli, 'train', '--config', config], { env, stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  // Kill as soon as the step-10 checkpoint exists: the run is past it, well before the end.
  while (!existsSync(checkpointPath(out, 10)) && child.exitCode === null) await new Promise((r) => setTimeout(r, 10));
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL', 'the run finished before it could be killed');
  const killedAt = losses(out).length;
  assert.ok(killedAt >= 10 && killedAt < steps, `killed after ${killedAt} logged steps`);

  runToEnd(config, true);
  assert.deepEqual(losses(out), losses(fullOut));
  const a = loadCheckpoint(listCheckpoints(out).at(-1)!.path);
  const b = loadCheckpoint(listCheckpoints(fullOut).at(-1)!.path);
  assert.equal(a.meta.step, steps);
  assert.deepEqual(new Uint8Array(a.params.buffer), new Uint8Array(b.params.buffer));
});
