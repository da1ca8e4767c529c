// The DPO stage: the loss of a batch against the hand-composed value (policy = reference ⇒ margin 0, loss
// log 2 + 0.2·NLL/|y_w|), and training on a toy pair set lowers the loss and raises the implicit-reward margin
// while the frozen reference stays untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/tensor/index.js';
import { dpoStage, parseDpoConfig, pairLosses, referenceLogProbs } from '../../src/align/dpo.js';
import { responseRow } from '../../src/align/chat-rows.js';
import { collateSequences, sequenceLogProbs } from '../../src/align/policy-logprobs.js';
import { frozenCopy } from '../../src/align/reference.js';
import { MEMORY_IO } from '../../src/align/stage-io.js';
import { Rng } from '../../src/util/rng.js';
import { tinyModel, worldAndTokenizer } from './fixtures.js';

function toyPairs(n: number) {
  const { world } = worldAndTokenizer();
  const rng = new Rng(3);
  return world.sample('train', n).map((p) => {
    const bad = world.degradedResponses(p, rng).find((c) => c.kind !== 'gold' && c.response !== p.oracle.gold)!;
    return { prompt: p.messages, chosen: p.oracle.gold, rejected: bad.response };
  });
}

test('at policy = reference the DPO loss is log 2 + 0.2·NLL(chosen)/|chosen| (hand-composed)', () => {
  const { tok } = worldAndTokenizer();
  const policy = tinyModel(tok, 2);
  const reference = frozenCopy(policy);
  const pairs = toyPairs(3);
  const rows = pairs.map((p) => ({ chosen: responseRow(tok, p.prompt, p.chosen), rejected: responseRow(tok, p.prompt, p.rejected) }));
  const ref = referenceLogProbs(reference, rows, 2);
  const got = T.tidy(() => T.noGrad(() => pairLosses({ beta: 0.1, nllWeight: 0.2 }, policy, rows, ref).losses.toFloat32Array()));
  rows.forEach((r, i) => {
    const b = collateSequences([r.chosen]);
    const lp = T.tidy(() => T.noGrad(() => sequenceLogProbs(policy, b).sums.item()));
    const want = Math.log(2) + 0.2 * (-lp / b.counts[0]!);
    assert.ok(Math.abs(got[i]! - want) < 1e-4, `pair ${i}: ${got[i]} vs ${want}`);
  });
});

test('dpoStage lowers the loss and widens the chosen-vs-rejected margin; the reference is untouched', () => {
  const { tok } = worldAndTokenizer();
  const policy = tinyModel(tok, 4, 320);
  const reference = frozenCopy(policy);
  const refBefore = Float32Array.from(reference.params.data);
  const cfg = parseDpoConfig({ optim: { lr: 3e-3 }, epochs: 6, batchPairs: 4, seed: 1 });
  assert.equal(cfg.beta, 0.1);
  assert.equal(cfg.nllWeight, 0.2);
  const r = dpoStage(cfg, policy, reference, tok, toyPairs(8), MEMORY_IO);
  assert.equal(r.pairs, 8);
  assert.equal(r.steps.length, 12);
  assert.ok(Math.abs(r.before.margin) < 1e-6, 'starts at margin 0');
  assert.ok(Math.abs(r.before.accuracy) < 1e-6);
  assert.ok(r.after.loss < r.before.loss - 0.05, `loss ${r.before.loss} → ${r.after.loss}`);
  assert.ok(r.after.margin > 0.05, `margin ${r.after.margin}`);
  assert.ok(r.after.accuracy >= 0.75, `accuracy ${r.after.accuracy}`);
  assert.deepEqual(reference.params.data, refBefore);
});

test('dpo config: paper defaults, unknown keys and bad values are errors naming the field', () => {
  const c = parseDpoConfig({});
  assert.equal(c.optim.lr, 1e-5);
  assert.equal(c.maskFormat, true);
  assert.throws(() => parseDpoConfig({ betta: 0.1 }), /betta.*no such key/);
  assert.throws(() => parseDpoConfig({ beta: -1 }), /beta/);
  assert.throws(() => parseDpoConfig({ optim: { lr: 'x' } }), /optim\.lr/);
});
