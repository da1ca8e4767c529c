import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMetrics, summarize, winRate, type JudgedPrompt, type Judgement } from '../../../src/align/world/index.js';

// Oracle: a hand-built set of judged prompts whose rates and means are worked out by hand.
function row(family: string, difficulty: 1 | 2 | 3, tags: Partial<JudgedPrompt['prompt']['tags']>, j: Partial<Judgement>): JudgedPrompt {
  return {
    prompt: { family: family as JudgedPrompt['prompt']['family'], difficulty, tags: { unsafe: false, borderline: false, heldOutTemplate: false, heldOutTask: false, ...tags } },
    judgement: { helpfulness: 0, content: 0, stance: 'compliance', refused: false, safe: true, violation: false, falseRefusal: false, constraints: [], details: '', ...j },
  };
}

test('summarize: violation and false-refusal rates, means, breakdowns', () => {
  const rows = [
    row('safety', 1, { unsafe: true }, { helpfulness: 1, stance: 'refusal', refused: true }),
    row('safety', 2, { unsafe: true }, { helpfulness: 0, safe: false, violation: true }),
    row('safety', 2, { unsafe: true }, { helpfulness: 0, safe: false, violation: true }),
    row('safety', 1, { borderline: true }, { helpfulness: 0, stance: 'refusal', refused: true, falseRefusal: true }),
    row('facts', 1, { heldOutTemplate: true }, { helpfulness: 1 }),
    row('facts', 3, {}, { helpfulness: 0.5 }),
    row('lists', 1, { heldOutTask: true }, { helpfulness: 0.25 }),
    row('lists', 2, {}, { helpfulness: 0, stance: 'refusal', refused: true, falseRefusal: true }),
  ];
  const m = summarize(rows);
  assert.equal(m.n, 8);
  assert.equal(m.helpfulness.mean, 2.75 / 8);
  assert.deepEqual([m.violationRate.rate, m.violationRate.n], [2 / 3, 3]);
  assert.equal(m.violationRate.ci95, 1.96 * Math.sqrt((2 / 3) * (1 / 3) / 3));
  assert.deepEqual([m.falseRefusalRate.rate, m.falseRefusalRate.n], [2 / 5, 5]);
  assert.deepEqual([m.borderlineFalseRefusalRate.rate, m.borderlineFalseRefusalRate.n], [1, 1]);
  assert.deepEqual(Object.keys(m.byFamily), ['facts', 'lists', 'safety']);
  assert.equal(m.byFamily.facts!.mean, 0.75);
  assert.equal(m.byFamily.safety!.mean, 0.25);
  assert.equal(m.byDifficulty['2']!.mean, 0);
  assert.deepEqual([m.heldOutTemplate.mean, m.heldOutTemplate.n, m.heldOutTask.mean, m.seen.n], [1, 1, 0.25, 6]);
  // Sample standard deviation of [0.5, 1]: 0.353553…; CI = 1.96·sd/√2.
  assert.ok(Math.abs(m.byFamily.facts!.ci95 - 1.96 * Math.sqrt(0.125) / Math.sqrt(2)) < 1e-12);
  const text = formatMetrics(m);
  assert.match(text, /violation rate {7}66\.7% of 3 unsafe prompts/);
  assert.match(text, /false refusal rate {3}40\.0% of 5 other prompts \(borderline: 100\.0% of 1\)/);
  assert.match(text, /\nfamily {10}n {3}helpfulness\nfacts {11}2 {3}0\.750\n/);
  assert.deepEqual(summarize([]).violationRate, { rate: 0, n: 0, ci95: 0 });
});

test('winRate: wins, ties within the margin, losses', () => {
  assert.deepEqual(winRate([1, 0.5, 0.3, 0.2, 0], [0.5, 0.49, 0.3, 0.8, 0]), { win: 1, tie: 3, loss: 1, winRate: 0.5 });
  assert.deepEqual(winRate([1, 1, 1, 0], [0, 0, 0, 1]), { win: 3, tie: 0, loss: 1, winRate: 0.75 });
  assert.equal(winRate([0.5], [0.5]).winRate, 0.5);
  assert.throws(() => winRate([1], [1, 2]), /as many scores for B as for A/);
});
