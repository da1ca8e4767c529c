// Refreshing a reward model on the policy's own samples (Llama 2 §3.2.2, "on-distribution"): annotations are of
// disjoint pairs of distinct samples, every rating kept, safety annotation on the safety family; the RM continues
// training on them plus replayed world pairs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onPolicyAnnotations, refreshRewardModel, RmRefreshSchema } from '../../src/align/rm-refresh.js';
import { rewardModelFrom } from '../../src/align/reward.js';
import { Rng } from '../../src/util/rng.js';
import { MEMORY_IO } from '../../src/align/stage-io.js';
import { tinyModel, worldAndTokenizer } from './fixtures.js';

test('on-policy annotations: disjoint distinct pairs of the policy samples, all ratings', () => {
  const { tok, world } = worldAndTokenizer();
  const model = tinyModel(tok, 31);
  const prompts = world.sample('train', 6);
  const rows = onPolicyAnnotations(model, tok, prompts, 'helpfulness', { n: 4, sampling: { temperature: 1, topP: 1, maxTokens: 8 }, seed: 2, template: 'llama3' }, new Rng(1));
  assert.ok(rows.length > 0 && rows.length <= 12);
  for (const r of rows) {
    assert.notEqual(r.chosen[0]!.content, r.rejected[0]!.content);
    assert.equal(r.kind, 'helpfulness');
    assert.equal(rows.filter((x) => x.promptId === r.promptId).length <= 2, true);
  }
});

test('refreshRewardModel continues training the RM on fresh + replayed pairs', () => {
  const { tok, world } = worldAndTokenizer();
  const policy = tinyModel(tok, 32, 256);
  const rm = rewardModelFrom(policy, 1);
  const before = Float32Array.from(rm.params.data);
  const cfg = RmRefreshSchema.parse({ prompts: 6, n: 4, sampling: { maxTokens: 8 }, groupsPerStep: 4 });
  const r = refreshRewardModel(cfg, rm, 'safety', policy, tok, world, 'llama3', MEMORY_IO);
  assert.equal(r.kind, 'safety');
  assert.ok(r.onPolicyPairs > 0);
  assert.equal(r.replayPairs > 0, true);
  assert.ok(r.steps >= 1 && Number.isFinite(r.lossLast));
  assert.ok(rm.params.data.some((v, i) => v !== before[i]));
});
