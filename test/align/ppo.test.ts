// PPO: the Llama 2 §3.2.3 reward rule composed end to end against hand-computed values (safety gate → logit →
// whiten over the batch on the last token, −β·KL on every token), and the stage on a toy reward it can learn
// (the share of the letter "e" in the answer pays): the rollout reward rises, KL to π_0 grows from 0, π_0 is untouched, early stopping keeps
// the held-out best.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePpoConfig, ppoStage, ppoTokenRewards } from '../../src/align/ppo.js';
import { scoreResponses, type RewardScorer } from '../../src/align/reward-scorer.js';
import { frozenCopy } from '../../src/align/reference.js';
import { MEMORY_IO } from '../../src/align/stage-io.js';
import type { Prompt } from '../../src/align/world/index.js';
import { tinyModel, worldAndTokenizer } from './fixtures.js';

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('PPO reward: safety gate, logit, whiten over the batch, per-token KL (hand-computed)', () => {
  const { world } = worldAndTokenizer();
  const benign = world.sample('train', 40).find((p) => !p.tags.unsafe)!;
  const unsafe = world.sample('train', 60).find((p) => p.tags.unsafe)!;
  // Fixed RM scores per response text: [helpfulness, safety].
  const table: Record<string, [number, number]> = { a: [0.8, 0.9], b: [0.7, 0.1], c: [0.6, 0.5] };
  const scorer: RewardScorer = {
    name: 'table',
    score: (items) => ({ helpfulness: Float64Array.from(items, (i) => table[i.response]![0]), safety: Float64Array.from(items, (i) => table[i.response]![1]) }),
  };
  const items = [{ prompt: benign, response: 'a' }, { prompt: benign, response: 'b' }, { prompt: unsafe, response: 'c' }];
  const { combined } = scoreResponses(scorer, items);
  // a: safe enough → R_h = 0.8;  b: R_s = 0.1 < 0.15 → 0.1;  c: prompt tagged unsafe → R_s = 0.5.
  assert.deepEqual([...combined], [0.8, 0.1, 0.5]);
  const lg = [Math.log(0.8 / 0.2), Math.log(0.1 / 0.9), 0];
  const mu = (lg[0]! + lg[1]! + lg[2]!) / 3;
  const sd = Math.sqrt(lg.reduce((a, x) => a + (x - mu) ** 2, 0) / 3);
  const w = lg.map((x) => (x - mu) / sd);
  const lp = [Float64Array.from([-1, -2]), Float64Array.from([-0.5]), Float64Array.from([-3, -1, -2])];
  const ref = [Float64Array.from([-1.5, -2]), Float64Array.from([-0.25]), Float64Array.from([-3, -2, -1])];
  const r = ppoTokenRewards(combined, lp, ref, 0.1);
  close(r[0]![0]!, -0.1 * 0.5);
  close(r[0]![1]!, 0 + w[0]!, 1e-7);
  close(r[1]![0]!, -0.1 * -0.25 + w[1]!, 1e-7);
  close(r[2]![0]!, 0);
  close(r[2]![1]!, -0.1 * 1);
  close(r[2]![2]!, -0.1 * -1 + w[2]!, 1e-7);
});

test('ppoStage learns a toy reward (the more "e", the better), KL grows from 0, π_0 untouched, held-out best kept', () => {
  const { tok, world } = worldAndTokenizer();
  const policy = tinyModel(tok, 11, 256);
  const reference = frozenCopy(policy);
  const ref0 = Float32Array.from(reference.params.data);
  const scorer: RewardScorer = {
    name: 'letter-e',
    score: (items) => ({ helpfulness: Float64Array.from(items, (i) => 0.05 + 0.9 * (i.response.split('e').length - 1) / Math.max(1, i.response.length)), safety: Float64Array.from(items, () => 0.9) }),
  };
  const train: Prompt[] = world.sample('train', 80).filter((p) => p.messages[0]!.content.length < 120).slice(0, 32);
  const cfg = parsePpoConfig({
    iterations: 24, batchSize: 32, miniBatch: 8, klBeta: 0.01, optim: { lr: 1e-2 },
    sampling: { maxTokens: 24 }, eval: { every: 8, prompts: 4 }, seed: 3,
  });
  assert.equal(cfg.clip, 0.2);
  const r = ppoStage(cfg, policy, reference, tok, scorer, train, train.slice(0, 4), MEMORY_IO);
  assert.equal(r.iterations.length, 24);
  assert.equal(r.evals.length, 4);
  assert.ok(Math.abs(r.iterations[0]!.kl) < 1e-3, `first iteration samples π_0: KL ${r.iterations[0]!.kl}`);
  const first = r.iterations.slice(0, 3).reduce((a, x) => a + x.reward, 0) / 3;
  const last = r.iterations.slice(-3).reduce((a, x) => a + x.reward, 0) / 3;
  assert.ok(last > first + 0.05, `reward ${first.toFixed(3)} → ${last.toFixed(3)}`);
  assert.ok(r.iterations.at(-1)!.kl > 0.01, `KL ${r.iterations.at(-1)!.kl}`);
  assert.deepEqual(reference.params.data, ref0);
  const bestEval = r.evals.reduce((a, e) => (e.reward > a.reward ? e : a));
  assert.equal(r.keptIteration, bestEval.iteration);
});
