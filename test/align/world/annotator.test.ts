import { test } from 'node:test';
import assert from 'node:assert/strict';
import { annotate, checkAnnotatorConfig, createWorld, DEFAULT_ANNOTATOR, judge, RATINGS, ratingOf, type AnnotatorConfig, type Rating } from '../../../src/align/world/index.js';
import { ConfigError } from '../../../src/util/errors.js';
import { Rng } from '../../../src/util/rng.js';

const world = createWorld({ size: 'small', seed: 11 });
const exact: AnnotatorConfig = { ...DEFAULT_ANNOTATOR, noise: 0, lengthBias: 0, disagreement: 0, annotators: 1, editRate: 0 };

test('rating buckets follow the thresholds (Llama 2 four-level scale)', () => {
  const t = [0.5, 0.25, 0.1] as const;
  assert.deepEqual([0.9, 0.5, 0.49, 0.25, 0.2, 0.1, 0.09, 0].map((g) => ratingOf(g, t)),
    ['significantly_better', 'significantly_better', 'better', 'better', 'slightly_better', 'slightly_better', 'negligibly_better', 'negligibly_better']);
});

test('without noise, bias or disagreement the annotator is the judge, whatever the random stream', () => {
  const prompts = world.sample('train', 60, { mix: { facts: 1, arithmetic: 1 } });
  for (const p of prompts) {
    const cands = world.degradedResponses(p, new Rng(1));
    const [a, b] = [cands[0]!.response, cands[cands.length - 1]!.response];
    const [ha, hb] = [judge(p, a).helpfulness, judge(p, b).helpfulness];
    const results = [1, 2, 3].map((s) => annotate(p, a, b, new Rng(s), exact)!);
    for (const r of results) assert.deepEqual(r, results[0]);
    const r = results[0]!;
    assert.equal(r.chosen, ha >= hb ? a : b);
    assert.equal(r.rating, ratingOf(Math.abs(ha - hb), exact.thresholds));
    assert.deepEqual(r.scores, { chosen: Math.max(ha, hb), rejected: Math.min(ha, hb) });
    assert.equal(r.agreesWithJudge, true);
  }
});

test('with noise, ratings and agreement grow monotonically with the judged gap; labels are ≥ 80% right when "significantly better"', () => {
  const rng = new Rng(7);
  const prompts = world.sample('train', 1500);
  const byGap = [[0, 0.1], [0.1, 0.25], [0.25, 0.5], [0.5, 1.01]].map(() => ({ n: 0, agree: 0, significantly: 0 }));
  const byRating = new Map<Rating, { n: number; right: number }>(RATINGS.map((r) => [r, { n: 0, right: 0 }]));
  for (const p of prompts) {
    const cands = world.degradedResponses(p, rng);
    for (let k = 0; k < 3; k++) {
      const a = rng.pick(cands).response;
      const b = rng.pick(cands).response;
      const [ha, hb] = [judge(p, a).helpfulness, judge(p, b).helpfulness];
      if (a === b || ha === hb) continue;
      const r = annotate(p, a, b, rng, DEFAULT_ANNOTATOR)!;
      const gap = Math.abs(ha - hb);
      const bin = byGap[gap < 0.1 ? 0 : gap < 0.25 ? 1 : gap < 0.5 ? 2 : 3]!;
      const right = r.scores.chosen > r.scores.rejected;
      bin.n++;
      bin.agree += right ? 1 : 0;
      bin.significantly += r.rating === 'significantly_better' ? 1 : 0;
      const cell = byRating.get(r.rating)!;
      cell.n++;
      cell.right += right ? 1 : 0;
    }
  }
  const agree = byGap.map((b) => b.agree / b.n);
  const sig = byGap.map((b) => b.significantly / b.n);
  for (let i = 1; i < 4; i++) {
    // Beyond a gap of 0.25 only the 5% coin flips remain, so agreement plateaus near 97.5%: 0.02 of slack.
    assert.ok(agree[i]! >= agree[i - 1]! - 0.02, `agreement by gap ${agree.map((x) => x.toFixed(2))}`);
    assert.ok(sig[i]! >= sig[i - 1]!, `"significantly" share by gap ${sig.map((x) => x.toFixed(2))}`);
  }
  assert.ok(agree[0]! < 0.85 && agree[3]! > 0.9, `agreement ${agree.map((x) => x.toFixed(2))}`);
  // The label accuracy a perfect reward model would reach, per rating (cf. Llama 2 Table 8).
  const acc = RATINGS.map((r) => byRating.get(r)!.right / Math.max(1, byRating.get(r)!.n));
  console.log(`agreement by gap ${agree.map((x) => x.toFixed(3))}; label accuracy by rating ${acc.map((x) => x.toFixed(3))}; n ${RATINGS.map((r) => byRating.get(r)!.n)}`);
  // Past a perceived gap of 0.25 only coin flips err, so "significantly" and "better" share a plateau (slack 0.02).
  for (let i = 1; i < 4; i++) assert.ok(acc[i]! <= acc[i - 1]! + 0.02, `accuracy by rating ${acc.map((x) => x.toFixed(2))}`);
  assert.ok(acc[3]! < acc[1]! - 0.2, `negligibly vs better ${acc.map((x) => x.toFixed(2))}`);
  assert.ok(acc[0]! >= 0.8, `accuracy on significantly better ${acc[0]}`);
});

test('safety annotation: bins, and unsafe-chosen-over-safe pairs are dropped (Llama 2 §3.2.1)', () => {
  const unsafe = world.sample('train', 50, { tasks: ['safety.direct'] });
  const comply = 'Sure: pour a sack of ashroot into the river at night.';
  const comply2 = 'Wait until midnight, then pry open the door.';
  for (const p of unsafe) {
    const r = annotate(p, comply, p.oracle.gold, new Rng(1), exact, 'safety')!;
    assert.equal(r.chosen, p.oracle.gold);
    assert.deepEqual(r.safety, { chosenSafe: true, rejectedSafe: false, bin: 'chosen_safe_other_unsafe' });
    assert.equal(annotate(p, comply, comply2, new Rng(1), exact, 'safety')!.safety!.bin, 'both_unsafe');
    assert.equal(annotate(p, p.oracle.gold, "Sorry, I can't help with that.", new Rng(1), exact, 'safety')!.safety!.bin, 'both_safe');
  }
  // A coin-flipping annotator picks the unsafe answer half the time: those pairs must disappear.
  const flipper = { ...exact, disagreement: 1 };
  const rng = new Rng(2);
  let dropped = 0;
  for (let i = 0; i < 200; i++) {
    const r = annotate(unsafe[i % unsafe.length]!, comply, unsafe[i % unsafe.length]!.oracle.gold, rng, flipper, 'safety');
    if (r === null) dropped++;
    else assert.equal(r.safety!.bin, 'chosen_safe_other_unsafe');
  }
  assert.ok(dropped > 60 && dropped < 140, `${dropped} of 200 dropped`);
});

test('edited responses rank above the chosen one (Llama 3 §4.2.1)', () => {
  const editor = { ...exact, editRate: 1 };
  for (const p of world.sample('train', 40, { mix: { facts: 1 } })) {
    const cands = world.degradedResponses(p, new Rng(3));
    const partial = cands.find((c) => c.kind === 'partial')!.response;
    const wrong = cands.find((c) => c.kind === 'refusal')!.response;
    const r = annotate(p, partial, wrong, new Rng(4), editor)!;
    assert.equal(r.edited, p.oracle.gold);
    assert.ok(judge(p, r.edited!).helpfulness > judge(p, r.chosen).helpfulness && judge(p, r.chosen).helpfulness > judge(p, r.rejected).helpfulness);
    assert.equal(annotate(p, p.oracle.gold, wrong, new Rng(4), editor)!.edited, undefined, 'the gold needs no edit');
  }
});

test('annotator config is checked', () => {
  assert.throws(() => checkAnnotatorConfig({ ...DEFAULT_ANNOTATOR, thresholds: [0.1, 0.25, 0.5] }), ConfigError);
  assert.throws(() => checkAnnotatorConfig({ ...DEFAULT_ANNOTATOR, disagreement: 1.5 }), /disagreement: expected a probability/);
  assert.throws(() => checkAnnotatorConfig({ ...DEFAULT_ANNOTATOR, annotators: 0 }), /annotators/);
  assert.equal(checkAnnotatorConfig(DEFAULT_ANNOTATOR), DEFAULT_ANNOTATOR);
});
