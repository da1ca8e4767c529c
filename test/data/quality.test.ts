import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rocAuc } from '../../src/data/quality/auc.js';
import { QualityClassifier, CLASSIFIER_DEFAULTS } from '../../src/data/quality/classifier.js';
import { trainQualityModel, qualityFilter } from '../../src/data/quality/quality-filter.js';
import { loadMobyDick } from '../../src/data/corpora/moby-dick.js';
import { loadSotu } from '../../src/data/corpora/sotu.js';
import { loadSpamAssassin } from '../../src/data/corpora/spam-assassin.js';
import { generateMathProblems } from '../../src/data/corpora/math-problems.js';

test('ROC AUC by hand: perfect, reversed, ties, and the Mann–Whitney count', () => {
  assert.equal(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]), 1);
  assert.equal(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1]), 0);
  assert.equal(rocAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1]), 0.5);
  // Positives 0.8, 0.4; negatives 0.6, 0.2: pairs (0.8>0.6, 0.8>0.2, 0.4<0.6, 0.4>0.2) → 3/4.
  assert.equal(rocAuc([0.8, 0.4, 0.6, 0.2], [1, 1, 0, 0]), 0.75);
  // A tie between a positive and a negative counts 1/2: (0.5=0.5 → ½, 0.5>0.1 → 1) / 2.
  assert.equal(rocAuc([0.5, 0.5, 0.1], [1, 0, 0]), 0.75);
  assert.ok(Number.isNaN(rocAuc([0.1], [1])));
});

test('the classifier learns a separable toy task and its loss falls', () => {
  const good = ['the committee reviewed the annual budget', 'the report describes the history of the region', 'the author explains the method in detail'];
  const bad = ['click here free money now', 'free prize winner click now', 'cheap offer click free now'];
  const examples = [...good.map((text) => ({ text, label: 1 as const })), ...bad.map((text) => ({ text, label: 0 as const }))];
  const model = new QualityClassifier({ ...CLASSIFIER_DEFAULTS, buckets: 1 << 12, epochs: 40, minUpdates: 0, lr: 0.5 });
  const losses = model.train(examples);
  assert.ok(losses[losses.length - 1]! < losses[0]! / 2, `loss ${losses[0]} → ${losses[losses.length - 1]}`);
  assert.ok(model.score('the report explains the budget') > 0.5);
  assert.ok(model.score('click here for free money') < 0.5);
});

test('quality classifier on bundled sources: held-out-document and held-out-source AUC ≥ 0.9', () => {
  const docs = [
    ...loadMobyDick({ limit: 60 }), ...loadSotu({ limit: 60 }), ...generateMathProblems({ count: 40 }),
    ...loadSpamAssassin({ groups: ['spam-1', 'spam-2'], limit: 80 }),
  ];
  const q = trainQualityModel(docs, { syntheticNegatives: 80, minUpdates: 4000, maxWords: 200 });
  assert.ok(q.heldOutDocs !== null && q.heldOutSources !== null);
  assert.ok(q.heldOutDocs.auc >= 0.9, `held-out documents AUC ${q.heldOutDocs.auc}`);
  assert.ok(q.heldOutSources.auc >= 0.9, `held-out sources AUC ${q.heldOutSources.auc}`);
  assert.equal(q.heldOutSources.positives, 60, 'all SOTU addresses tested');
  assert.equal(q.heldOutSources.negatives, 80, 'all spam-2 messages tested');
  const step = qualityFilter(docs, q.model);
  const removed = (source: string) => step.removed.filter((r) => r.source === source).length;
  assert.ok(removed('spam-assassin/spam-1') >= 60, 'most spam removed');
  assert.ok(removed('moby-dick') <= 6, 'little of the novel removed');
  assert.equal(removed('math-problems'), 0, 'reasoning domain is not filtered by the prose classifier');
});
