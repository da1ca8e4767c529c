// On-policy preference pairs (annotator ratings filtered as Llama 3, edited pairs) and both iterative schedules on
// a tiny model end to end: Llama 2 RS rounds with pooling then PPO, Llama 3 RS → SFT → DPO rounds with averaging.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PreferenceSamplingSchema, samplePreferencePairs } from '../../src/align/preference-sampling.js';
import { llama2Rounds, llama3Rounds } from '../../src/align/rounds.js';
import { parseRejectionSamplingConfig } from '../../src/align/rejection-sampling.js';
import { parsePpoConfig } from '../../src/align/ppo.js';
import { parseDpoConfig } from '../../src/align/dpo.js';
import { worldJudgeScorer } from '../../src/align/reward-scorer.js';
import { MEMORY_IO } from '../../src/align/stage-io.js';
import type { ChatExample } from '../../src/align/world/index.js';
import { Rng } from '../../src/util/rng.js';
import { tinyModel, worldAndTokenizer } from './fixtures.js';

test('preference pairs from the policy: only kept ratings, distinct responses, edited pairs rank the gold first', () => {
  const { tok, world } = worldAndTokenizer();
  const model = tinyModel(tok, 21);
  const prompts = world.sample('train', 12);
  const cfg = PreferenceSamplingSchema.parse({ n: 3, sampling: { maxTokens: 10 }, keep: ['significantly_better', 'better', 'slightly_better'], edited: true });
  const { pairs, report } = samplePreferencePairs(cfg, model, tok, prompts, new Rng(5), { scorer: worldJudgeScorer() });
  const sampled = pairs.filter((p) => p.source === 'sampled');
  assert.equal(report.kept, sampled.length);
  assert.equal(report.edited, pairs.length - sampled.length);
  assert.equal(report.noPair + report.annotated + (prompts.length - report.noPair - report.annotated), prompts.length);
  assert.equal(Object.values(report.byRating).reduce((a, b) => a + b, 0), report.annotated);
  for (const p of sampled) {
    assert.notEqual(p.chosen, p.rejected);
    assert.ok(cfg.keep.includes(p.rating));
  }
  for (const p of pairs.filter((x) => x.source === 'edited')) {
    const prompt = prompts.find((q) => q.id === p.promptId)!;
    assert.equal(p.chosen, prompt.oracle.gold);
  }
  // A stricter filter keeps a subset of the same annotations.
  const strict = samplePreferencePairs({ ...cfg, keep: ['significantly_better'], edited: false }, model, tok, prompts, new Rng(5), { scorer: worldJudgeScorer() });
  assert.ok(strict.pairs.every((p) => p.rating === 'significantly_better'));
  assert.equal(strict.report.annotated, report.annotated);
  // Disjoint pairing: up to n/2 annotations per prompt, none picked by the RM.
  const disjoint = samplePreferencePairs({ ...cfg, n: 4, pairing: 'disjoint', edited: false }, model, tok, prompts, new Rng(5));
  assert.ok(disjoint.report.annotated <= 2 * prompts.length && disjoint.report.annotated > report.annotated, `${disjoint.report.annotated} annotations`);
});

test('Llama 2 rounds: RS rounds pool earlier best samples from poolFrom on, then PPO on top; every round is compared with the start', () => {
  const { tok, world } = worldAndTokenizer();
  const policy = tinyModel(tok, 22, 256);
  const seen: number[] = [];
  const rows = llama2Rounds({
    rsRounds: 2, promptsPerRound: 4, poolFrom: 2,
    rs: parseRejectionSamplingConfig({ k: 2, sampling: { maxTokens: 6 } }),
    ppo: parsePpoConfig({ iterations: 2, batchSize: 4, miniBatch: 4, optim: { lr: 1e-3 }, sampling: { maxTokens: 6 }, eval: { every: 1, prompts: 2 } }),
  }, policy, { tok, scorer: worldJudgeScorer(), train: world.sample('train', 8), heldout: world.sample('heldout', 3), finetune: (_m, ex: readonly ChatExample[]) => seen.push(ex.length), maxTokens: 6, io: MEMORY_IO });
  assert.deepEqual(rows.map((r) => r.round), ['RLHF-V1 (RS)', 'RLHF-V2 (RS)', 'RLHF-V3 (PPO)']);
  assert.equal(seen[0], 4);
  assert.equal(seen[1], 8, 'round 2 trains on the pool of both rounds (distinct prompts)');
  for (const r of rows) assert.equal(r.comparison.winRate.win + r.comparison.winRate.tie + r.comparison.winRate.loss, 3);
  assert.equal(rows[2]!.ppo!.iterations, 2);
});

test('Llama 3 rounds: RS → SFT → DPO on fresh pairs, DPO variants averaged into the round model', () => {
  const { tok, world } = worldAndTokenizer();
  const policy = tinyModel(tok, 23, 256);
  const before = Float32Array.from(policy.params.data);
  let finetunes = 0;
  const rows = llama3Rounds({
    rounds: 1, promptsPerRound: 8, variants: 2,
    rs: parseRejectionSamplingConfig({ k: 2, sampling: { maxTokens: 6 } }),
    preferences: PreferenceSamplingSchema.parse({ n: 3, sampling: { maxTokens: 8 }, keep: ['significantly_better', 'better', 'slightly_better', 'negligibly_better'] }),
    dpo: parseDpoConfig({ optim: { lr: 1e-3 }, batchPairs: 4 }),
  }, policy, { tok, scorer: worldJudgeScorer(), train: world.sample('train', 8), heldout: world.sample('heldout', 3), finetune: () => finetunes++, maxTokens: 6, io: MEMORY_IO });
  assert.equal(rows.length, 1);
  assert.equal(finetunes, 1);
  const r = rows[0]!;
  assert.equal(r.dpo!.length, 2);
  assert.ok(r.preferences!.kept > 0, 'some pairs');
  assert.equal(r.dpo![0]!.pairs, r.dpo![1]!.pairs);
  assert.ok(policy.params.data.some((v, i) => v !== before[i]), 'the averaged DPO model replaced the policy');
});

test('reproducible: the same seeds give the same round metrics and the same weights, bit for bit', () => {
  const { tok, world } = worldAndTokenizer();
  const once = () => {
    const policy = tinyModel(tok, 24, 256);
    const ctx = { tok, scorer: worldJudgeScorer(), train: world.sample('train', 6), heldout: world.sample('heldout', 3), finetune: () => 0, maxTokens: 6, io: MEMORY_IO };
    const l2 = llama2Rounds({
      rsRounds: 1, promptsPerRound: 3, poolFrom: 2,
      rs: parseRejectionSamplingConfig({ k: 2, sampling: { maxTokens: 6 } }),
      ppo: parsePpoConfig({ iterations: 2, batchSize: 3, miniBatch: 3, optim: { lr: 1e-3 }, sampling: { maxTokens: 6 }, eval: { every: 1, prompts: 2 } }),
    }, policy, ctx);
    const l3 = llama3Rounds({
      rounds: 1, promptsPerRound: 6, variants: 1, rs: null,
      preferences: PreferenceSamplingSchema.parse({ n: 3, sampling: { maxTokens: 6 }, keep: ['significantly_better', 'better', 'slightly_better', 'negligibly_better'] }),
      dpo: parseDpoConfig({ optim: { lr: 1e-3 }, batchPairs: 3 }),
    }, policy, ctx);
    return { l2, l3, weights: Float32Array.from(policy.params.data) };
  };
  const a = once();
  const b = once();
  assert.deepEqual(a.l2, b.l2);
  assert.deepEqual(a.l3, b.l3);
  assert.deepEqual(a.weights, b.weights);
});
