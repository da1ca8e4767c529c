import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineDedup } from '../../src/data/line-dedup.js';
import { evaluateRules, heuristicFilter, HEURISTIC_DEFAULTS } from '../../src/data/heuristics.js';
import { textStats } from '../../src/data/text-stats.js';
import { generateJunk, JUNK_KINDS } from '../../src/data/junk.js';
import type { Doc } from '../../src/data/doc.js';

const doc = (id: string, text: string, domain = 'general'): Doc => ({ id, domain, source: 'test', text });

test('line dedup removes lines seen more than maxCount times, everywhere, and keeps the rest', () => {
  const footer = 'Irish Linux Users Group: ilug@linux.ie';
  const docs = Array.from({ length: 7 }, (_, i) => doc(`d${i}`, `message ${i} body\n\n  ${footer}  \n${i < 6 ? 'six times' : 'unique'}`));
  docs.push(doc('code', `x\n${footer}`, 'code'));
  const step = lineDedup(docs, { maxCount: 6 });
  // The footer occurs 7 times in general documents (> 6): gone. "six times" occurs 6 times: kept.
  for (const d of step.kept.filter((k) => k.domain === 'general')) assert.ok(!d.text.includes('ilug@linux.ie'), d.text);
  assert.ok(step.kept[0]!.text.includes('six times'));
  assert.equal(step.kept.find((d) => d.id === 'code')!.text, `x\n${footer}`, 'skipped domain untouched');
  assert.equal(step.details.linesRemoved, 7);
  assert.ok(step.trimmedTokens > 0);
  const all = lineDedup([doc('a', 'same'), doc('b', 'same')], { maxCount: 1 });
  assert.equal(all.kept.length, 0, 'a document of nothing but duplicate lines is removed');
  assert.equal(all.removed[0]!.rule, 'only-duplicate-lines');
});

test('text statistics, hand-computed', () => {
  const s = textStats('the cat sat\n• item one\n• item two...\nthe cat sat', new Set(['cat']));
  assert.equal(s.words, 12); // whitespace-separated, bullets included
  assert.equal(s.bulletLineFraction, 2 / 4);
  assert.equal(s.ellipsisLineFraction, 1 / 4);
  assert.equal(s.duplicateLineFraction, 1 / 4);
  assert.equal(s.stopWords, 1); // "the"
  assert.equal(s.dirtyWordFraction, 2 / 10); // normalised words drop "•"
  // "a b c a b c": every 2-gram after the first three positions repeats → words 4–6 covered: 3/6 of chars.
  const r = textStats('aa bb cc aa bb cc', new Set());
  assert.equal(r.duplicateNgramCharFraction(2), 0.5);
  // Most frequent 2-gram "aa bb" occurs twice, 4 characters each → 8 / 12.
  assert.equal(r.topNgramCharFraction(2), 8 / 12);
  assert.equal(r.duplicateNgramCharFraction(4), 0, 'no 4-gram repeats');
});

test('each Gopher rule fires on a document built to break it, and prose passes', () => {
  const prose = 'It was the best of times and the worst of times, and the people of that age have had to live with it. '.repeat(1) +
    'Many readers remember the opening of the novel, which sets the tone for the story that follows. The author builds a world of contrasts, ' +
    'with a cast of characters who move between two great cities during years of change, hope and fear for everyone involved.';
  const dirty = new Set<string>();
  assert.deepEqual(evaluateRules(prose, HEURISTIC_DEFAULTS, dirty).filter((r) => !r.pass).map((r) => r.rule), []);
  const failsOn = (text: string) => evaluateRules(text, HEURISTIC_DEFAULTS, new Set(['damn'])).filter((r) => !r.pass).map((r) => r.rule);
  assert.ok(failsOn('too short to keep').includes('min-words'));
  assert.ok(failsOn(`${prose} ${'### '.repeat(20)}`).includes('symbol-to-word'));
  assert.ok(failsOn(Array.from({ length: 60 }, (_, i) => `• the menu item ${i} with a link to the page`).join('\n')).includes('bullet-lines'));
  assert.ok(failsOn(`${prose} ${'damn '.repeat(5)}`).includes('dirty-words'));
  assert.ok(failsOn(Array.from({ length: 80 }, (_, i) => `${i * 7919}`).join(' ')).includes('alpha-words'));
});

test('heuristicFilter applies only to its domains and records the first failing rule', () => {
  const step = heuristicFilter([doc('g', 'short'), doc('c', 'short', 'code')]);
  assert.deepEqual(step.kept.map((d) => d.id), ['c']);
  assert.equal(step.removed[0]!.rule, 'min-words');
  assert.match(step.removed[0]!.detail, /min-words = 1, allowed ≥ 50/);
});

test('generated junk: every kind but word salad is caught by the heuristic rules (ground truth)', () => {
  const junk = generateJunk(JUNK_KINDS.length * 6, 5);
  const step = heuristicFilter(junk);
  for (const kind of JUNK_KINDS) {
    const survivors = step.kept.filter((d) => d.meta!.kind === kind).length;
    if (kind === 'word-salad') assert.equal(survivors, 6, 'fluent-looking salad needs the quality model');
    else if (kind === 'repeated-paragraph') assert.ok(survivors <= 6);
    else assert.equal(survivors, 0, `${kind} caught`);
  }
});
