import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jaccard, shingleSet, dedupWords } from '../../src/data/shingles.js';
import { estimateJaccard, MinHasher } from '../../src/data/minhash.js';
import { candidateProbability, chooseBanding, lshCandidates, sCurveThreshold } from '../../src/data/lsh.js';
import { UnionFind } from '../../src/data/union-find.js';
import { editWords, injectNearDuplicates } from '../../src/data/near-duplicates.js';
import { evaluateDedup } from '../../src/data/dedup-eval.js';
import { minhashDedup } from '../../src/data/minhash-dedup.js';
import { loadMobyDick } from '../../src/data/corpora/moby-dick.js';
import { Rng } from '../../src/util/rng.js';
import type { Doc } from '../../src/data/doc.js';

const words = (n: number, rng: Rng) => Array.from({ length: n }, () => `w${rng.int(5000)}`).join(' ');

test('shingles: normalisation and word 5-gram count, by hand', () => {
  assert.deepEqual(dedupWords('Hello, World!  hello-world'), ['hello', 'world', 'hello', 'world']);
  assert.equal(shingleSet('a b c d e f g').length, 3); // abcde bcdef cdefg
  assert.equal(shingleSet('a b c d e a b c d e').length, 5); // abcde bcdea cdeab deabc eabcd, then abcde again
  assert.equal(shingleSet('a b').length, 1, 'short text is one shingle');
  assert.equal(shingleSet('').length, 0);
});

test('exact Jaccard, by hand', () => {
  const a = Uint32Array.from([1, 2, 3, 4]);
  const b = Uint32Array.from([3, 4, 5]);
  assert.equal(jaccard(a, b), 2 / 5);
  assert.equal(jaccard(a, a), 1);
  assert.equal(jaccard(a, Uint32Array.from([9])), 0);
  // "a b c d e f g" vs "a b c d e f x": shingles {abcde, bcdef, cdefg} vs {abcde, bcdef, cdefx} → 2/4.
  assert.equal(jaccard(shingleSet('a b c d e f g'), shingleSet('a b c d e f x')), 0.5);
});

test('MinHash estimates match exact Jaccard within 4 standard errors (property, 60 pairs)', () => {
  const rng = new Rng(11);
  const hasher = new MinHasher(128, 3);
  let sqErr = 0;
  for (let k = 0; k < 60; k++) {
    const text = words(300, rng);
    const copy = editWords(text, rng.uniform() * 0.1, rng);
    const [a, b] = [shingleSet(text), shingleSet(copy)];
    const exact = jaccard(a, b);
    const est = estimateJaccard(hasher.signature(a), hasher.signature(b));
    const se = Math.sqrt(Math.max(exact * (1 - exact), 0.01) / 128);
    assert.ok(Math.abs(est - exact) <= 4 * se, `exact ${exact.toFixed(3)} estimate ${est.toFixed(3)}`);
    sqErr += (est - exact) ** 2;
  }
  assert.ok(Math.sqrt(sqErr / 60) < 0.05, 'RMS error near √(J(1−J)/128) ≤ 0.044');
});

test('LSH S-curve: hand values and the banding chosen for t = 0.8', () => {
  // 1 − (1 − 0.8^8)^16 = 1 − (1 − 0.16777)^16 = 0.9470
  assert.ok(Math.abs(candidateProbability(0.8, 16, 8) - 0.947) < 5e-4);
  assert.ok(Math.abs(sCurveThreshold(16, 8) - Math.SQRT1_2) < 1e-12);
  const b = chooseBanding(128, 0.8);
  assert.deepEqual([b.bands, b.rows], [16, 8]);
  // Weighting false positives and negatives equally moves the curve's midpoint onto the threshold.
  const even = chooseBanding(128, 0.8, 0.5);
  assert.ok(Math.abs(sCurveThreshold(even.bands, even.rows) - 0.8) < 0.06);
});

test('lshCandidates pairs identical signatures and not unrelated ones', () => {
  const hasher = new MinHasher(128, 1);
  const rng = new Rng(2);
  const t = [words(200, rng), words(200, rng)];
  const sigs = [t[0]!, t[1]!, t[0]!].map((x) => hasher.signature(shingleSet(x)));
  assert.deepEqual(lshCandidates(sigs, 16, 8), [[0, 2]]);
});

test('union-find clusters transitively', () => {
  const uf = new UnionFind(5);
  uf.union(0, 1);
  uf.union(3, 4);
  uf.union(1, 4);
  assert.equal(uf.find(0), uf.find(3));
  assert.notEqual(uf.find(2), uf.find(0));
  assert.equal(uf.union(0, 4), false);
});

test('editWords: rate 0 is the identity; rate 1 edits every word', () => {
  const rng = new Rng(1);
  const text = 'one two  three\nfour five';
  assert.equal(editWords(text, 0, rng), text);
  assert.notEqual(editWords(text, 1, rng), text);
});

test('dedup on injected near-duplicates of Moby-Dick: recall and precision ≥ 0.95 at Jaccard ≥ 0.8', () => {
  const base = loadMobyDick({ limit: 60 });
  const { docs, pairs } = injectNearDuplicates(base, { count: 60, seed: 3 });
  const e = evaluateDedup(docs, pairs);
  assert.ok(e.positives >= 15 && e.positives <= 50, `a mix of pairs on both sides of 0.8 (${e.positives}/60)`);
  assert.ok(e.recall >= 0.95, `recall ${e.recall}`);
  assert.ok(e.precision >= 0.95, `precision ${e.precision}`);
  // The filter keeps each original and removes exactly the copies at or above the threshold.
  const step = minhashDedup(docs);
  const removedCopies = new Set(step.removed.map((r) => r.id));
  for (const [i, p] of e.points.entries()) assert.equal(removedCopies.has(docs[pairs[i]!.copy]!.id), p.caught);
  for (const d of base) assert.ok(step.kept.some((k) => k.id === d.id), `original ${d.id} kept`);
});

test('minhashDedup keeps the first of each cluster and names the duplicate it matched', () => {
  const rng = new Rng(9);
  const t = words(120, rng);
  const docs: Doc[] = [
    { id: 'a', domain: 'general', source: 's', text: t },
    { id: 'b', domain: 'general', source: 's', text: words(120, rng) },
    { id: 'c', domain: 'general', source: 's', text: `${t} extra` },
  ];
  const step = minhashDedup(docs);
  assert.deepEqual(step.kept.map((d) => d.id), ['a', 'b']);
  assert.equal(step.removed[0]!.id, 'c');
  assert.match(step.removed[0]!.detail, /with a/);
});
