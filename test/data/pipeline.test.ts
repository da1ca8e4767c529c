import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDataConfig } from '../../src/data/config.js';
import { loadSources } from '../../src/data/sources.js';
import { runPipeline } from '../../src/data/pipeline.js';
import { renderHtml, renderText } from '../../src/data/render-report.js';
import { checkWellFormed } from '../report/xml-check.js';

test('pipeline on a slice of the bundled corpora: accounting adds up, ground truth measured, injected docs never output', () => {
  const config = parseDataConfig('test', {
    sources: [{ kind: 'moby-dick', limit: 25 }, { kind: 'sotu', limit: 15 }, { kind: 'spam-assassin', groups: ['easy-ham-1', 'spam-1', 'spam-2'], limit: 40 }, { kind: 'typescript-lib', limit: 10 }, { kind: 'math', count: 20 }],
    inject: { nearDuplicates: 30, junk: 16, seed: 3 },
    quality: { syntheticNegatives: 40, minUpdates: 4000, maxWords: 200 },
  });
  const corpus = loadSources(config.sources);
  const { docs, report } = runPipeline(corpus, config);
  // Each step's output is the next step's input, and tokens in = out + removed + trimmed.
  for (let i = 0; i < report.steps.length; i++) {
    const s = report.steps[i]!;
    assert.equal(s.docsIn - s.removedDocs, s.docsOut, s.filter);
    if (i > 0) assert.equal(report.steps[i - 1]!.docsOut, s.docsIn);
    assert.equal(s.tokensIn - s.removedTokens - s.trimmedTokens, s.tokensOut);
    assert.equal(s.byRule.reduce((a, r) => a + r.docs, 0), s.removedDocs);
  }
  assert.equal(report.steps[0]!.docsIn, corpus.length + 30 + 16);
  assert.equal(report.output.docs, docs.length);
  assert.ok(docs.every((d) => d.meta?.injected === undefined));
  assert.ok(report.dedup!.exact.recall >= 0.95 && report.dedup!.exact.precision >= 0.95);
  assert.equal(report.junk.reduce((a, j) => a + j.injected, 0), 16);
  assert.ok(report.junk.reduce((a, j) => a + j.removed, 0) >= 14, 'junk caught');
  assert.deepEqual(report.mix.missing, ['multilingual']);
  assert.ok(Math.abs(Object.values(report.mix.weights).reduce((a, w) => a + w, 0) - 1) < 1e-12);
  const text = renderText(report);
  assert.match(text, /exact Jaccard \(used\)/);
  const html = renderHtml(report);
  assert.ok(html.includes('<svg'));
  for (const svg of html.match(/<svg[\s\S]*?<\/svg>/g)!) assert.ok(checkWellFormed(svg).ok);
});
