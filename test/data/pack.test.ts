import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DomainMixer } from '../../src/data/mixer.js';
import { PackedBatches, type Batch } from '../../src/data/pack.js';
import { annealingWeights, LLAMA3_MIX, planMix, topQuality } from '../../src/data/mix.js';
import type { Doc } from '../../src/data/doc.js';
import { Rng } from '../../src/util/rng.js';

const BOS = 1;
const EOS = 2;
// A toy tokenizer whose ids reveal the document: word k of document d → 1000·(d+1) + k.
const corpus = (n: number, domain: string, rng: Rng, offset: number): Doc[] =>
  Array.from({ length: n }, (_, d) => ({ id: `${domain}${d}`, domain, source: domain, text: Array.from({ length: 1 + rng.int(40) }, (_, k) => `${1000 * (offset + d + 1) + k}`).join(' ') }));
const encode = (text: string) => (text === '' ? [] : text.split(' ').map(Number));

function makeDocs(): Doc[] {
  const rng = new Rng(4);
  return [...corpus(30, 'general', rng, 0), ...corpus(10, 'code', rng, 100), ...corpus(5, 'reasoning', rng, 200)];
}

test('mix plan: Llama 3 weights renormalised over present domains, missing ones reported', () => {
  const plan = planMix(makeDocs(), LLAMA3_MIX, (t) => t.split(' ').length);
  assert.deepEqual(plan.missing, ['multilingual']);
  const total = 0.5 + 0.25 + 0.17;
  assert.ok(Math.abs(plan.weights.general! - 0.5 / total) < 1e-12);
  assert.ok(Math.abs(plan.weights.code! - 0.17 / total) < 1e-12);
  assert.deepEqual(plan.unweighted, []);
  const a = annealingWeights({ general: 0.5, reasoning: 0.25, code: 0.25 }, { reasoning: 2 });
  assert.ok(Math.abs(a.reasoning! - 0.5 / 1.25) < 1e-12 && Math.abs(a.general! - 0.5 / 1.25) < 1e-12);
});

test('topQuality keeps the best fraction of scored domains and unscored domains whole', () => {
  const docs: Doc[] = [0.9, 0.1, 0.5, 0.7].map((q, i) => ({ id: `g${i}`, domain: 'general', source: 's', text: 'x', meta: { quality: q } }));
  docs.push({ id: 'c0', domain: 'code', source: 's', text: 'y' });
  assert.deepEqual(topQuality(docs, 0.5).map((d) => d.id), ['g0', 'g3', 'c0']);
});

test('mixer: realised token shares follow the weights within one document', () => {
  const weights = { general: 0.5, code: 0.3, reasoning: 0.2 };
  const packer = new PackedBatches(new DomainMixer(makeDocs(), weights, encode, 7), { B: 4, T: 64, bos: BOS, eos: EOS, resetPositions: true });
  for (let i = 0; i < 200; i++) packer.next();
  const { shares, tokens } = packer.accounting();
  const total = Object.values(tokens).reduce((a, v) => a + v, 0);
  assert.equal(total, 200 * 4 * 64, 'every position accounted to a domain');
  for (const [d, w] of Object.entries(weights)) assert.ok(Math.abs(shares[d]! - w) < 50 / total + 1e-3, `${d} ${shares[d]} vs ${w}`);
});

function checkBatch(b: Batch, docsById: Map<number, number[]>) {
  for (let r = 0; r < b.B; r++) {
    for (let t = 0; t < b.T; t++) {
      const i = r * b.T + t;
      const [tok, tgt, seg, pos] = [b.tokens[i]!, b.targets[i]!, b.segIds[i]!, b.positions[i]!];
      if (t > 0 && b.segIds[i - 1] === seg) {
        assert.equal(pos, b.positions[i - 1]! + 1, 'positions count up inside a segment');
        assert.equal(tok, b.targets[i - 1], 'input = previous target inside a segment');
      } else {
        assert.equal(pos, 0, 'positions restart where a segment starts');
        assert.equal(seg, t === 0 ? 0 : b.segIds[i - 1]! + 1, 'segments numbered 0, 1, … in a row');
      }
      // Never a target from another document: a target is EOS or a token of the input's own document.
      const docOf = (id: number) => Math.floor(id / 1000);
      if (tok !== BOS) assert.ok(tgt === EOS || docOf(tgt) === docOf(tok), `target ${tgt} after ${tok}`);
      else assert.ok(tgt === EOS || docsById.has(docOf(tgt)));
      if (tgt === EOS && t + 1 < b.T) assert.notEqual(b.segIds[i + 1], seg, 'after EOS a new document starts');
      assert.notEqual(tok, EOS, 'EOS is never an input');
    }
  }
}

test('packing: BOS/EOS per document, segment ids, reset positions, no cross-document targets, no padding', () => {
  const docs = makeDocs();
  const byId = new Map(docs.map((d) => [Math.floor(encode(d.text)[0]! / 1000), encode(d.text)]));
  const packer = new PackedBatches(new DomainMixer(docs, { general: 1, code: 1, reasoning: 1 }, encode, 3), { B: 3, T: 50, bos: BOS, eos: EOS, resetPositions: true });
  for (let k = 0; k < 30; k++) checkBatch(packer.next(), byId);
});

test('packing reproduces each document exactly: [BOS, t1…tn] → [t1…tn, EOS]', () => {
  const docs = makeDocs().slice(0, 3);
  const packer = new PackedBatches(new DomainMixer(docs, { general: 1 }, encode, 1), { B: 1, T: 7, bos: BOS, eos: EOS, resetPositions: false });
  const stream: [number, number][] = [];
  for (let k = 0; k < 40; k++) {
    const b = packer.next();
    b.tokens.forEach((t, i) => stream.push([t, b.targets[i]!]));
    assert.deepEqual([...b.positions], [0, 1, 2, 3, 4, 5, 6], 'resetPositions false: columns');
  }
  // Cut the stream at BOS inputs and compare each piece with a document.
  const pieces: number[][] = [];
  for (const [t, g] of stream) {
    if (t === BOS) pieces.push([]);
    pieces[pieces.length - 1]!.push(g);
  }
  const texts = new Set(docs.map((d) => [...encode(d.text), EOS].join(',')));
  for (const p of pieces.slice(0, -1)) assert.ok(texts.has(p.join(',')), `targets ${p.join(',')} are one whole document + EOS`);
});

test('cursor: save after k batches, restore into a fresh packer, the next batches are identical', () => {
  const make = () => new PackedBatches(new DomainMixer(makeDocs(), { general: 0.6, code: 0.3, reasoning: 0.1 }, encode, 42), { B: 2, T: 37, bos: BOS, eos: EOS, resetPositions: true });
  const a = make();
  for (let k = 0; k < 17; k++) a.next();
  const saved = JSON.parse(JSON.stringify(a.cursor())); // through JSON, as a checkpoint would
  const expected = Array.from({ length: 25 }, () => a.next());
  const b = make();
  b.restore(saved);
  for (const e of expected) {
    const got = b.next();
    for (const k of ['tokens', 'targets', 'segIds', 'positions'] as const) assert.deepEqual(got[k], e[k]);
  }
  assert.deepEqual(b.accounting(), a.accounting());
  assert.throws(() => b.restore({ ...saved, version: 2 }), /version/);
});
