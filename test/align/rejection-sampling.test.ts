// Rejection sampling: the order-statistic expectations against brute-force enumeration of every K-subset, the
// best-of-K selection and pooling rules, and a sweep on a tiny model with the world judge as the reward.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectedMaxOfK, expectedMedianOfK, expectedPickOfK } from '../../src/align/order-statistics.js';
import { bestAsSft, parseRejectionSamplingConfig, poolBest, rejectionSample, rejectionSamplingSweep, rsStage, type RsItem } from '../../src/align/rejection-sampling.js';
import { worldJudgeScorer } from '../../src/align/reward-scorer.js';
import { MEMORY_IO } from '../../src/align/stage-io.js';
import { tinyModel, worldAndTokenizer } from './fixtures.js';

function subsets(n: number, k: number): number[][] {
  const out: number[][] = [];
  const rec = (start: number, cur: number[]) => {
    if (cur.length === k) { out.push([...cur]); return; }
    for (let i = start; i < n; i++) rec(i + 1, [...cur, i]);
  };
  rec(0, []);
  return out;
}

test('expected max / median / RM pick of K equal the average over all K-subsets', () => {
  const scores = [0.3, -1.2, 0.3, 2.5, 0.9, -0.4, 1.1];
  const other = [10, 20, 30, 40, 50, 60, 70];
  for (let k = 1; k <= scores.length; k++) {
    const subs = subsets(scores.length, k);
    let max = 0, med = 0, pick = 0;
    for (const s of subs) {
      const v = s.map((i) => scores[i]!).sort((a, b) => a - b);
      max += v[k - 1]!;
      med += k % 2 ? v[(k - 1) / 2]! : (v[k / 2 - 1]! + v[k / 2]!) / 2;
      let best = s[0]!;
      for (const i of s) if (scores[i]! > scores[best]!) best = i; // first index wins ties
      pick += other[best]!;
    }
    const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `K=${k}: ${a} vs ${b}`);
    close(expectedMaxOfK(scores, k), max / subs.length);
    close(expectedMedianOfK(scores, k), med / subs.length);
    close(expectedPickOfK(scores, other, k), pick / subs.length);
  }
  assert.throws(() => expectedMaxOfK(scores, 8), /K/);
});

test('rejectionSample keeps the highest-reward sample; pooling keeps the best of all rounds', () => {
  const { tok, world } = worldAndTokenizer();
  const model = tinyModel(tok, 7);
  const prompts = world.sample('train', 4);
  const cfg = parseRejectionSamplingConfig({ k: 5, sampling: { maxTokens: 12 } });
  const { items, summary } = rejectionSample(cfg, model, tok, worldJudgeScorer(), prompts);
  assert.equal(items.length, 4);
  for (const it of items) {
    assert.equal(it.samples.length, 5);
    assert.equal(it.rewards[it.best], Math.max(...it.rewards));
    assert.equal(it.rewards.indexOf(Math.max(...it.rewards)), it.best, 'first sample on ties');
  }
  assert.ok(summary.meanBestReward >= summary.meanReward);
  const ex = bestAsSft(items);
  assert.deepEqual(ex[0]!.messages.at(-1), { role: 'assistant', content: items[0]!.samples[items[0]!.best] });
  // Pool: a later round with a lower best reward does not replace the earlier best.
  const a: RsItem = { prompt: prompts[0]!, samples: ['x', 'y'], rewards: [0.1, 0.9], judged: [0, 0], best: 1 };
  const b: RsItem = { prompt: prompts[0]!, samples: ['z'], rewards: [0.5], judged: [0], best: 0 };
  const c: RsItem = { prompt: prompts[1]!, samples: ['w'], rewards: [0.2], judged: [0], best: 0 };
  const pooled = poolBest([[a], [b, c]]);
  assert.equal(pooled.length, 2);
  assert.equal(pooled.find((p) => p.prompt.id === prompts[0]!.id), a);
});

test('the K × temperature sweep: expected max rises with K, median stays below it; rsStage fine-tunes on the best', () => {
  const { tok, world } = worldAndTokenizer();
  const model = tinyModel(tok, 8);
  const prompts = world.sample('train', 3);
  const cfg = parseRejectionSamplingConfig({ sampling: { maxTokens: 8 }, sweep: { ks: [1, 2, 4], temperatures: [0.8, 1.4], prompts: 3 } });
  const rows = rejectionSamplingSweep(cfg, model, tok, worldJudgeScorer(), prompts, MEMORY_IO);
  assert.equal(rows.length, 6);
  for (const t of [0.8, 1.4]) {
    const r = rows.filter((x) => x.temperature === t);
    assert.ok(r[0]!.maxReward <= r[1]!.maxReward && r[1]!.maxReward <= r[2]!.maxReward);
    assert.ok(Math.abs(r[0]!.maxReward - r[0]!.medianReward) < 1e-12, 'K = 1: max = median');
    for (const x of r) assert.ok(x.medianReward <= x.maxReward + 1e-12 && x.bestJudged <= x.oracleJudged + 1e-12);
  }
  let seen = 0;
  const res = rsStage(parseRejectionSamplingConfig({ k: 3, sampling: { maxTokens: 8 } }), model, tok, worldJudgeScorer(), prompts, (_m, ex) => { seen = ex.length; return 'done'; }, MEMORY_IO);
  assert.equal(seen, 3);
  assert.equal(res.finetune, 'done');
});
