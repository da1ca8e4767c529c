// Reward models: last-token packing, scores of packed rows = scores of each sequence alone (oracle: the trunk's
// hidden state at the last position dotted with the head), the ranking losses over collated groups against
// hand-computed values, the Llama 2 mixes and margins, per-bucket accuracy, save → load → same scores, and a
// short training run that separates gold answers from refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as T from '../../src/tensor/index.js';
import { collateLast, collateRanked, type RankedGroup } from '../../src/align/collate.js';
import { loadRewardModel, rewardModelFrom, rewardSequence, saveRewardModel, scoreSequences } from '../../src/align/reward.js';
import { rankingLossSum, trainRewardModel, heldOutRankingLoss } from '../../src/align/reward-train.js';
import { accuracyOfScores, evaluateRewardModel } from '../../src/align/reward-eval.js';
import { llama2Mix, llama3Filter, rankedGroup } from '../../src/align/data/preferences.js';
import { MARGINS } from '../../src/align/losses/margin-ranking.js';
import { DEFAULT_ANNOTATOR, RATINGS, type PreferenceRow } from '../../src/align/world/index.js';
import { Rng } from '../../src/util/rng.js';
import { tinyModel, worldAndTokenizer } from './fixtures.js';

const close = (a: number, b: number, tol = 1e-5) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);
const softplus = (x: number) => Math.log1p(Math.exp(x));

test('collateLast points at the last token of every packed sequence', () => {
  const seqs = [[1, 2, 3], [4, 5], [6, 7, 8, 9], [10]];
  const b = collateLast(seqs, 5);
  assert.deepEqual([...b.last].map((i) => b.tokens[i]), [3, 5, 9, 10]);
  for (const i of b.last) assert.equal(b.positions[i], [3, 2, 4, 1][[...b.last].indexOf(i)]! - 1);
  assert.ok(b.B >= 2 && b.B <= 3);
});

test('packed scores equal each sequence scored alone (hidden state at its last token · head)', () => {
  const { world, tok } = worldAndTokenizer();
  const rm = rewardModelFrom(tinyModel(tok, 3), 11);
  const seqs = world.sample('train', 5).map((p) => rewardSequence(tok, p.messages, p.oracle.gold, 'llama3'));
  const packed = scoreSequences(rm, seqs, 192);
  const w = rm.head.data;
  seqs.forEach((s, i) => {
    const h = T.tidy(() => T.noGrad(() => rm.trunk.hidden(Int32Array.from(s), 1, s.length).toFloat32Array()));
    const d = rm.config.dim;
    let r = 0;
    for (let j = 0; j < d; j++) r += h[(s.length - 1) * d + j]! * w[j]!;
    close(packed[i]!, r, 1e-4);
  });
  // The trunk is the language model's: same hidden states as the model it was initialised from.
  const lm = tinyModel(tok, 3);
  const s = seqs[0]!;
  const a = T.tidy(() => T.noGrad(() => lm.hidden(Int32Array.from(s), 1, s.length).toFloat32Array()));
  const b = T.tidy(() => T.noGrad(() => rm.trunk.hidden(Int32Array.from(s), 1, s.length).toFloat32Array()));
  assert.deepEqual(a, b);
  assert.ok(!rm.params.tensors.has('output.weight'), 'the LM head is gone');
});

/** A batch whose "scores" are given numbers (the loss only reads scores and groups). */
function scored(values: number[], groups: RankedGroup[]) {
  const b = collateRanked(groups, 16);
  const s = T.tensor(values);
  s.requiresGrad = true;
  return { b, s };
}

test('margin loss over collated pairs: −log σ(r_c − r_r − m), hand-computed', () => {
  T.tidy(() => {
    const groups = [{ sequences: [[1], [2]], margin: MARGINS.large.significantly_better }, { sequences: [[3], [4]], margin: MARGINS.small.better }];
    const { b, s } = scored([2.0, 1.0, 0.5, 0.5], groups);
    // pair 0: d = 2 − 1 − 3 = −2 → log(1 + e²) = 2.126928; pair 1: d = 0 − 2/3 → log(1 + e^{2/3}) = 1.081037
    const l = rankingLossSum(s, b, 'margin');
    close(l.item(), 2.126928 + 1.081037);
    T.backward(l);
    close(s.grad!.data[0]!, -0.880797); // −σ(2)
    close(s.grad!.data[1]!, 0.880797);
  });
});

test('Llama 3 ranking over groups of 3 and 2: Σ over ordered pairs, hand-computed', () => {
  T.tidy(() => {
    const groups = [{ sequences: [[1], [2], [3]], margin: 0 }, { sequences: [[4], [5]], margin: 0 }];
    const { b, s } = scored([3, 1, 0, 0.2, 0.7], groups);
    close(rankingLossSum(s, b, 'ranking').item(), softplus(-2) + softplus(-3) + softplus(-1) + softplus(0.5));
    assert.throws(() => rankingLossSum(s, b, 'margin'), /2 responses/);
  });
});

function row(rating: PreferenceRow['rating'], chosen: string, rejected: string, scores: [number, number], edited?: string): PreferenceRow {
  return {
    id: 'x', kind: 'helpfulness', promptId: 'p', task: 't', prompt: [{ role: 'user', content: 'Q?' }],
    chosen: [{ role: 'assistant', content: chosen }], rejected: [{ role: 'assistant', content: rejected }],
    rating, annotator: 0, scores: { chosen: scores[0], rejected: scores[1] }, agreesWithJudge: scores[0] >= scores[1],
    ...(edited ? { edited: [{ role: 'assistant' as const, content: edited }] } : {}),
  };
}

test('ranked groups: Table 27 margins per rating; edited > chosen > rejected for the Llama 3 objective', () => {
  const { tok } = worldAndTokenizer();
  for (const r of RATINGS) {
    assert.equal(rankedGroup(tok, row(r, 'a', 'b', [1, 0]), { kind: 'margin', margins: 'large' }, 'llama3').margin, MARGINS.large[r]);
  }
  const g = rankedGroup(tok, row('better', 'good', 'bad', [0.5, 0], 'best'), { kind: 'ranking' }, 'llama3');
  assert.equal(g.sequences.length, 3);
  assert.deepEqual(g.sequences[0], rewardSequence(tok, [{ role: 'user', content: 'Q?' }], 'best', 'llama3'));
  assert.equal(g.margin, 0);
  assert.deepEqual(llama3Filter([row('better', 'a', 'b', [1, 0]), row('slightly_better', 'a', 'b', [1, 0]), row('significantly_better', 'a', 'b', [1, 0])]).map((r) => r.rating), ['better', 'significantly_better']);
});

test('Llama 2 mixes: helpfulness RM = helpful + as many safety; safety RM = safety 90 / helpful 10', () => {
  const mk = (kind: 'helpfulness' | 'safety', n: number) => Array.from({ length: n }, (_, i) => ({ ...row('better', 'a', 'b', [1, 0]), kind, id: `${kind}-${i}` }));
  const h = mk('helpfulness', 300);
  const s = mk('safety', 450);
  const help = llama2Mix('helpfulness', h, s, new Rng(1));
  assert.equal(help.filter((r) => r.kind === 'helpfulness').length, 300);
  assert.equal(help.filter((r) => r.kind === 'safety').length, 300);
  const safe = llama2Mix('safety', h, s, new Rng(1));
  assert.equal(safe.filter((r) => r.kind === 'safety').length, 450);
  assert.equal(safe.filter((r) => r.kind === 'helpfulness').length, 50);
  assert.equal(new Set(safe.map((r) => r.id)).size, safe.length, 'drawn without replacement');
});

test('accuracy per rating bucket, against labels and against the judge', () => {
  const rows = [row('significantly_better', 'a', 'b', [1, 0]), row('significantly_better', 'a', 'b', [1, 0]), row('negligibly_better', 'a', 'b', [0.4, 0.5]), row('better', 'a', 'b', [0.6, 0.6])];
  // Scores: right, wrong, right (against the label; wrong against the judge), tie.
  const e = accuracyOfScores(rows, [2, 1, 0, 3, 1, 0, 5, 5]);
  assert.equal(e.byRating.significantly_better.accuracy, 0.5);
  assert.equal(e.byRating.negligibly_better.accuracy, 1);
  assert.equal(e.byRating.better.accuracy, 0.5);
  assert.equal(e.byRating.slightly_better.n, 0);
  close(e.overall.accuracy, 2.5 / 4);
  close(e.overall.ci95, 1.96 * Math.sqrt(0.625 * 0.375 / 4));
  // Judge-distinct pairs: 0 (right), 1 (wrong), 2 (judge prefers rejected; RM prefers chosen → wrong).
  close(e.judge.accuracy, 1 / 3);
  assert.equal(e.points.length, 8);
});

test('save → load: the same scores, and a bad head file names the field', () => {
  const { world, tok } = worldAndTokenizer();
  const rm = rewardModelFrom(tinyModel(tok, 5), 3);
  const dir = mkdtempSync(join(tmpdir(), 'llamats-rm-'));
  try {
    saveRewardModel(dir, rm, tok, { kind: 'safety', template: 'llama3' });
    const loaded = loadRewardModel(dir);
    assert.equal(loaded.meta.kind, 'safety');
    const ps = world.sample('train', 6);
    const responses = ps.map((p, i) => (i % 2 ? p.oracle.gold : "Sorry, I can't help with that."));
    const got = loaded.score(ps.map((p) => p.messages), responses);
    const want = scoreSequences(rm, ps.map((p, i) => rewardSequence(tok, p.messages, responses[i]!, 'llama3')), 192);
    assert.deepEqual(got, want);
    const head = JSON.parse(readFileSync(join(dir, 'reward_head.json'), 'utf8'));
    writeFileSync(join(dir, 'reward_head.json'), JSON.stringify({ ...head, weight: head.weight.slice(1) }));
    assert.throws(() => loadRewardModel(dir), /reward_head\.json: weight: expected 32 finite numbers/);
    writeFileSync(join(dir, 'reward_head.json'), JSON.stringify({ ...head, version: 2 }));
    assert.throws(() => loadRewardModel(dir), /version: expected 1/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a short run separates gold answers from refusals on held-out prompts', () => {
  const { world, tok } = worldAndTokenizer();
  const rm = rewardModelFrom(tinyModel(tok, 9), 2);
  const refusal = "Sorry, I can't help with that.";
  const pair = (p: ReturnType<typeof world.sample>[number]) => row('significantly_better', p.oracle.gold, refusal, [1, 0]);
  const train = world.sample('train', 64, { stream: 'rm-t', mix: { facts: 1 } }).map((p) => ({ ...pair(p), prompt: p.messages }));
  const test_ = world.sample('heldout', 24, { stream: 'rm-h', mix: { facts: 1 } }).map((p) => ({ ...pair(p), prompt: p.messages }));
  const groups = train.map((r) => rankedGroup(tok, r, { kind: 'margin', margins: 'small' }, 'llama3'));
  const val = test_.map((r) => rankedGroup(tok, r, { kind: 'margin', margins: 'small' }, 'llama3'));
  const before = heldOutRankingLoss(rm, val, { seqLen: 192, microGroups: 16, loss: 'margin' });
  const r = trainRewardModel(rm, groups, val, {
    epochs: 2, seqLen: 192, groupsPerStep: 8, microGroups: 8, lr: 3e-3, minLrRatio: 0.1, warmupFraction: 0.03, minWarmupSteps: 5,
    optim: { beta1: 0.9, beta2: 0.95, eps: 1e-5, weightDecay: 0.1, gradClip: 1 }, loss: 'margin', evalEvery: 100, seed: 1,
  }, { out: null, quiet: true });
  assert.equal(r.steps, 16);
  const e = evaluateRewardModel(rm, tok, test_, 'llama3', 192);
  assert.ok(e.overall.accuracy >= 0.9, `held-out accuracy ${e.overall.accuracy} (loss ${before} → ${r.evals.at(-1)?.[1]})`);
  assert.equal(DEFAULT_ANNOTATOR.noise > 0, true);
});
