// `llamats sft|rm|eval --config` end to end on a tiny random model with a tokenizer trained on the world (the
// shapes the bundled configs use, shrunk to seconds): each command writes what its help promises, the reward
// model folder loads with loadRewardModel, and config errors name the file and the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { saveTrainedModel } from '../../src/model/load.js';
import { loadRewardModel } from '../../src/align/reward.js';
import { tinyModel, worldAndTokenizer } from './fixtures.js';

test('sft → rm → eval through the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'llamats-align-cli-'));
  try {
    const { tok } = worldAndTokenizer();
    const base = join(dir, 'base.gguf');
    saveTrainedModel(base, tinyModel(tok, 1), tok);
    const world = { seed: 1, size: 'small' };
    const write = (name: string, cfg: object) => {
      const f = join(dir, name);
      writeFileSync(f, JSON.stringify(cfg));
      return f;
    };

    const sftOut = join(dir, 'sft');
    const sft = runCli(['sft', '--config', write('sft.json', {
      out: sftOut, base, world,
      data: { train: [{ style: 'chat', prompts: 24 }, { style: 'orca', prompts: 8 }, { style: 'sharegpt', conversations: 4 }], heldout: 8 },
      stage: { epochs: 1, rowsPerStep: 4, optim: { lr: 3e-3 } },
    })]);
    assert.equal(sft.code, 0, sft.stderr);
    const summary = JSON.parse(sft.stdout);
    assert.deepEqual(summary.sources.map((s: { style: string }) => s.style), ['chat', 'orca', 'sharegpt']);
    assert.equal(summary.examples + summary.dropped, 24 + 8 + summary.sources[2].examples);
    assert.ok(summary.steps >= 1 && Number.isFinite(summary.valLossAfter));
    for (const f of ['model.gguf', 'metrics.jsonl', 'loss.svg', 'summary.json']) assert.ok(existsSync(join(sftOut, f)), f);

    const rmOut = join(dir, 'rm');
    const rm = runCli(['rm', '--config', write('rm.json', {
      out: rmOut, base: join(sftOut, 'model.gguf'), kind: 'safety', world,
      data: { helpfulnessPrompts: 16, safetyPrompts: 24, heldoutPrompts: 12 },
      stage: { groupsPerStep: 8 },
    })]);
    assert.equal(rm.code, 0, rm.stderr);
    const rs = JSON.parse(rm.stdout);
    assert.equal(rs.kind, 'safety');
    assert.ok(rs.pairs.trained > 0 && rs.steps >= 1);
    assert.ok(rs.accuracy.helpfulness.overall >= 0 && rs.accuracy.safety.overall <= 1);
    for (const f of ['model.gguf', 'reward_head.json', 'accuracy.md', 'accuracy.svg', 'summary.json']) assert.ok(existsSync(join(rmOut, f)), f);
    const loaded = loadRewardModel(rmOut);
    assert.equal(loaded.meta.kind, 'safety');
    assert.equal(loaded.score([[{ role: 'user', content: 'Hi?' }]], ['Hello.']).length, 1);

    const evalOut = join(dir, 'eval');
    const ev = runCli(['eval', '--config', write('eval.json', {
      out: evalOut, world, prompts: { heldout: 10, safety: 4 }, generation: { maxTokens: 8 },
      models: [{ name: 'base', path: base }, { name: 'sft', path: join(sftOut, 'model.gguf') }],
      winRates: [['sft', 'base']],
      rewardModels: [{ name: 'safety RM', path: rmOut, prompts: 8 }],
    })]);
    assert.equal(ev.code, 0, ev.stderr);
    assert.match(ev.stdout, /\| sft \| 10 \|/);
    assert.match(ev.stdout, /Significantly Better/);
    const report = JSON.parse(readFileSync(join(evalOut, 'eval.json'), 'utf8'));
    assert.equal(report.models.length, 2);
    assert.equal(report.winRates[0].result.win + report.winRates[0].result.tie + report.winRates[0].result.loss, 10);
    for (const f of ['eval.md', 'helpfulness.svg', 'safety.svg', 'rm-accuracy.svg', 'responses-sft.jsonl']) assert.ok(existsSync(join(evalOut, f)), f);

    const bad = runCli(['sft', '--config', write('bad.json', { out: sftOut, base, stage: { epochz: 2 } })]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /bad\.json: stage\.epochz: expected no such key/);
    const badRm = runCli(['rm', '--config', write('bad-rm.json', { out: rmOut, base, objective: { kind: 'margin', margins: 'huge' } })]);
    assert.equal(badRm.code, 1);
    assert.match(badRm.stderr, /bad-rm\.json: objective\.margins/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
