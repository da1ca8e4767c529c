// `llamats rs|ppo|dpo|gatt|rounds --config` end to end on a tiny random model and a reward model made from it (the
// shapes the bundled configs use, shrunk to seconds): each command writes what its help promises and reports the
// held-out comparison with its starting model; a config error names the file and the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { saveTrainedModel } from '../../src/model/load.js';
import { rewardModelFrom, saveRewardModel } from '../../src/align/reward.js';
import { tinyModel, worldAndTokenizer } from './fixtures.js';

test('rs, ppo, dpo, gatt and rounds through the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'llamats-stages-cli-'));
  try {
    const { tok } = worldAndTokenizer();
    const policy = join(dir, 'sft.gguf');
    const model = tinyModel(tok, 1, 256);
    saveTrainedModel(policy, model, tok);
    const rm = join(dir, 'rm');
    saveRewardModel(rm, rewardModelFrom(model, 3), tok, { kind: 'helpfulness', template: 'llama3' });
    const world = { seed: 1, size: 'small' };
    const evalCfg = { heldout: 6, safety: 4, maxTokens: 8 };
    const write = (name: string, cfg: object) => {
      const f = join(dir, name);
      writeFileSync(f, JSON.stringify(cfg));
      return f;
    };
    const run = (cmd: string, cfg: object) => {
      const r = runCli([cmd, '--config', write(`${cmd}.json`, cfg)]);
      assert.equal(r.code, 0, `${cmd}: ${r.stderr}`);
      return JSON.parse(r.stdout);
    };
    const checkEval = (s: { eval: { heldout: { winRate: { win: number; tie: number; loss: number } }; safety: { model: { violationRate: number } } } }) => {
      const w = s.eval.heldout.winRate;
      assert.equal(w.win + w.tie + w.loss, 6);
      assert.ok(s.eval.safety.model.violationRate >= 0);
    };

    const rsOut = join(dir, 'rs');
    const rs = run('rs', {
      out: rsOut, policy, world, rewardModels: { helpfulness: rm, safety: rm }, data: { prompts: 6 },
      stage: { k: 3, sampling: { maxTokens: 8 }, sweep: { ks: [1, 2], temperatures: [1], prompts: 3 } },
      sft: { epochs: 1, rowsPerStep: 4, optim: { lr: 1e-3 } }, eval: evalCfg,
    });
    assert.equal(rs.rs.prompts, 6);
    assert.equal(rs.sweep.length, 2);
    checkEval(rs);
    for (const f of ['model.gguf', 'samples.jsonl', 'sweep.jsonl', 'rs-max-median.svg', 'rs-judged.svg', 'summary.json']) assert.ok(existsSync(join(rsOut, f)), `rs/${f}`);

    const ppoOut = join(dir, 'ppo');
    const ppo = run('ppo', {
      out: ppoOut, policy: join(rsOut, 'model.gguf'), world, rewardModels: { helpfulness: rm }, data: { prompts: 8, heldout: 3 },
      stage: { iterations: 2, batchSize: 4, miniBatch: 2, optim: { lr: 1e-4 }, sampling: { maxTokens: 8 }, eval: { every: 1, prompts: 3 } }, eval: evalCfg,
    });
    assert.equal(ppo.iterations, 2);
    assert.equal(ppo.evals.length, 3);
    checkEval(ppo);
    for (const f of ['model.gguf', 'metrics.jsonl', 'ppo-reward.svg', 'ppo-kl.svg', 'ppo-safety.svg', 'summary.json']) assert.ok(existsSync(join(ppoOut, f)), `ppo/${f}`);

    const dpoOut = join(dir, 'dpo');
    const dpo = run('dpo', {
      out: dpoOut, policy, world, data: { source: 'world', prompts: 8 }, stage: { batchPairs: 4, optim: { lr: 1e-4 } }, eval: evalCfg,
    });
    assert.ok(dpo.pairs.total > 0 && dpo.dpo.steps >= 1);
    checkEval(dpo);
    for (const f of ['model.gguf', 'pairs.jsonl', 'metrics.jsonl', 'dpo-loss.svg', 'dpo-rewards.svg', 'summary.json']) assert.ok(existsSync(join(dpoOut, f)), `dpo/${f}`);

    // Llama 3 rounds inside the job: fresh on-policy pairs from the latest model each round.
    const dpo2Out = join(dir, 'dpo2');
    const allRatings = ['significantly_better', 'better', 'slightly_better', 'negligibly_better'];
    const dpo2 = run('dpo', {
      out: dpo2Out, policy, world, rounds: 2, data: { source: 'on-policy', prompts: 6, sampling: { n: 4, pairing: 'disjoint', keep: allRatings, sampling: { maxTokens: 8 } } },
      stage: { batchPairs: 4, optim: { lr: 1e-4 } }, eval: evalCfg,
    });
    assert.equal(dpo2.rounds.length, 2);
    assert.equal(dpo2.pairs.total, dpo2.rounds[0].pairs + dpo2.rounds[1].pairs);
    assert.ok(existsSync(join(dpo2Out, 'round2', 'metrics.jsonl')));
    checkEval(dpo2);

    const gattOut = join(dir, 'gatt');
    const gatt = run('gatt', {
      out: gattOut, policy, world, data: { dialogues: 3, heldout: 2, replay: { chat: 4, pairsFile: join(dpoOut, 'pairs.jsonl'), pairs: 2 } },
      stage: { answers: 'oracle', turns: 3, prefixesPerDialogue: 2, evalTurns: 3, contextLength: 384, sampling: { maxTokens: 6 } },
      sft: { epochs: 1, rowsPerStep: 2, optim: { lr: 1e-4 } },
    });
    assert.equal(gatt.data.rows, 6);
    assert.equal(gatt.data.replay, 6, '4 replayed demonstrations + 2 chosen answers');
    assert.deepEqual(gatt.byKind.map((b: { turn: number }) => b.turn), [1, 3]);
    assert.deepEqual(gatt.adherence.map((a: { turn: number }) => a.turn), [1, 2, 3]);
    for (const f of ['model.gguf', 'adherence.jsonl', 'gatt-adherence.svg', 'summary.json']) assert.ok(existsSync(join(gattOut, f)), `gatt/${f}`);

    const roundsOut = join(dir, 'rounds');
    const rounds = run('rounds', {
      out: roundsOut, policy, world, rewardModels: { helpfulness: rm }, data: { prompts: 8 },
      schedule: { style: 'llama3', rounds: 1, promptsPerRound: 6, variants: 1, rs: { k: 2, sampling: { maxTokens: 6 } }, preferences: { n: 4, pairing: 'disjoint', keep: ['significantly_better', 'better', 'slightly_better', 'negligibly_better'], sampling: { maxTokens: 8 } }, dpo: { batchPairs: 4, optim: { lr: 1e-4 } } },
      sft: { epochs: 1, rowsPerStep: 4 }, eval: evalCfg,
    });
    assert.equal(rounds.rounds.length, 1);
    assert.equal(rounds.rounds[0].comparison.winRate.win + rounds.rounds[0].comparison.winRate.tie + rounds.rounds[0].comparison.winRate.loss, 6);
    for (const f of ['model.gguf', 'rounds.jsonl', 'summary.json']) assert.ok(existsSync(join(roundsOut, f)), `rounds/${f}`);

    const bad = runCli(['ppo', '--config', write('bad.json', { out: ppoOut, policy, rewardModels: { helpfulness: rm }, stage: { klBetta: 0.1 } })]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /bad\.json: stage\.klBetta: expected no such key/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
