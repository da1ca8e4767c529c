// Rows drawn per domain (src/train/domain-rows.ts), seen through CorpusData as the training loop sees it: the
// delivered mix is within one row of the weights after every row whatever the document lengths, a batch's rows
// come from different documents, a resume from the cursor is bit-exact, and an old cursor is a clear error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Doc } from '../../src/data/doc.js';
import type { Batch } from '../../src/data/pack.js';
import type { Tokenizer } from '../../src/tokenizer/types.js';
import { CorpusData } from '../../src/train/corpus.js';
import { nextDomain } from '../../src/train/domain-rows.js';
import { ConfigError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';

const BOS = 1;
const EOS = 2;
// A toy tokenizer whose ids name the document: token k of document i → 10000·(i + 1) + k.
const encode = (text: string) => text.split(' ').map(Number);
const tokenizer = { vocabSize: 1 << 30, bos: BOS, eos: EOS, encode } as unknown as Tokenizer;

/** Domain a: 20 documents of 2K–8K tokens; b: 300 of 1–40; c: 40 of 50–300; d: 16 of 1–10. */
function makeDocs(): Doc[] {
  const rng = new Rng(11);
  const docs: Doc[] = [];
  const add = (domain: string, n: number, min: number, max: number) => {
    for (let j = 0; j < n; j++) {
      const i = docs.length;
      const len = min + rng.int(max - min + 1);
      docs.push({ id: `${domain}${j}`, domain, source: domain, text: Array.from({ length: len }, (_, k) => 10000 * (i + 1) + k).join(' ') });
    }
  };
  add('a', 20, 2000, 8000);
  add('b', 300, 1, 40);
  add('c', 40, 50, 300);
  add('d', 16, 1, 10);
  return docs;
}

const MIX = { a: 0.31, b: 0.41, c: 0.21, d: 0.07 };
const ANNEALING = { b: 2 };

function corpus(docs: Doc[], mix: Record<string, number> = MIX): CorpusData {
  const c = { kind: 'corpus', sources: [], mix, annealing: ANNEALING, tokenizer: { kind: 'bpe', vocabSize: 400 }, valFraction: 0.1 };
  return new CorpusData(tokenizer, docs, docs.slice(0, 8), c as unknown as ConstructorParameters<typeof CorpusData>[3], 5, true);
}

/** The document of every non-special id in row r of a batch (from the ids alone). */
function rowDocs(b: Batch, r: number): Set<number> {
  const out = new Set<number>();
  for (let t = r * b.T; t < (r + 1) * b.T; t++) for (const id of [b.tokens[t]!, b.targets[t]!]) if (id !== BOS && id !== EOS) out.add(Math.floor(id / 10000) - 1);
  return out;
}

test('quota method by hand: weights .5/.3/.2 give a b a c a b a b a c', () => {
  const rows = [0, 0, 0];
  let order = '';
  for (let i = 0; i < 10; i++) {
    const d = nextDomain(rows, [0.5, 0.3, 0.2]);
    rows[d]!++;
    order += 'abc'[d];
  }
  assert.equal(order, 'abacababac');
});

test('quota method: floor(w·n) ≤ rows ≤ ceil(w·n) after every row, for random weights of 2–9 domains', () => {
  const rng = new Rng(3);
  for (let trial = 0; trial < 200; trial++) {
    const raw = Array.from({ length: 2 + rng.int(8) }, () => rng.uniform() ** 3 + 1e-3);
    const sum = raw.reduce((a, v) => a + v, 0);
    const w = raw.map((v) => v / sum);
    const rows = w.map(() => 0);
    for (let n = 1; n <= 2000; n++) {
      rows[nextDomain(rows, w)]!++;
      for (let d = 0; d < w.length; d++) assert.ok(Math.abs(rows[d]! - w[d]! * n) < 1 + 1e-9, `trial ${trial} row ${n}: domain ${d} has ${rows[d]} rows for ${w[d]! * n}`);
    }
  }
});

test('rows per domain stay within one row of the weights after every row, with 8K-token documents in one domain', () => {
  const docs = makeDocs();
  const domainOf = docs.map((d) => d.domain);
  const sum = (o: Record<string, number>) => Object.values(o).reduce((a, v) => a + v, 0);
  const raw = Object.fromEntries(Object.entries(MIX).map(([d, w]) => [d, w * ((ANNEALING as Record<string, number>)[d] ?? 1)]));
  for (const [annealing, target] of [[false, MIX], [true, raw]] as const) {
    const data = corpus(docs);
    const B = 16;
    const T = 32;
    const rows: Record<string, number> = { a: 0, b: 0, c: 0, d: 0 };
    let n = 0;
    for (let step = 0; step < 150; step++) {
      const b = data.next(B, T, annealing);
      for (let r = 0; r < B; r++) {
        const domains = new Set([...rowDocs(b, r)].map((i) => domainOf[i]!));
        assert.equal(domains.size, 1, `batch ${step} row ${r}: one domain per row, got ${[...domains]}`);
        rows[[...domains][0]!]!++;
        n++;
        // Positions per domain are T × rows, so the token shares are within one row too.
        for (const d of Object.keys(rows)) {
          const want = (target[d as keyof typeof target]! / sum(target)) * n;
          assert.ok(Math.abs(rows[d]! - want) < 1 + 1e-9, `${annealing ? 'annealing' : 'main'}, after ${n} rows: ${d} has ${rows[d]} rows, target ${want.toFixed(2)}`);
        }
      }
    }
  }
});

test('the rows of one batch come from different documents (several domains, and one domain filling every row)', () => {
  const docs = makeDocs();
  for (const mix of [MIX, { a: 1 }]) {
    const data = corpus(docs, mix);
    for (let step = 0; step < 60; step++) {
      const b = data.next(16, 32, false);
      const owner = new Map<number, number>();
      for (let r = 0; r < 16; r++) {
        for (const doc of rowDocs(b, r)) {
          assert.ok(!owner.has(doc) || owner.get(doc) === r, `batch ${step} (mix ${JSON.stringify(mix)}): document ${doc} in rows ${owner.get(doc)} and ${r}`);
          owner.set(doc, r);
        }
      }
    }
  }
});

test('a resume from the cursor (through JSON, mid-document, across a row-length change) is bit-exact', () => {
  const docs = makeDocs();
  const a = corpus(docs);
  for (let i = 0; i < 5; i++) a.next(16, 32, false);
  for (let i = 0; i < 3; i++) a.next(16, 32, true);
  a.next(8, 64, false);
  const cursor = JSON.parse(JSON.stringify(a.cursor()));
  assert.ok(JSON.stringify(cursor).includes('"offset":') && /"offset":[1-9]/.test(JSON.stringify(cursor)), 'some stream is mid-document');
  const b = corpus(docs);
  b.restore(cursor);
  const plan: [number, number, boolean][] = [[8, 64, false], [16, 32, true], [16, 32, false], [8, 64, true], [4, 16, false], [16, 32, false]];
  for (const [B, T, annealing] of plan) assert.deepEqual(b.next(B, T, annealing), a.next(B, T, annealing));
  assert.deepEqual(b.cursor(), a.cursor());
});

test('a cursor of the old format (32 document-mixed streams, no version) is a config error naming the version', () => {
  const data = corpus(makeDocs());
  const old = { main: { turn: 3, streams: [] }, anneal: { turn: 0, streams: [] } };
  assert.throws(() => data.restore(old), (e: unknown) => e instanceof ConfigError && /^checkpoint data cursor main: version: expected 2 \(rows drawn per domain, 16 streams each\); a checkpoint of the older data stream cannot resume it: start the run again, got no version/.test(e.message));
  const c = data.cursor() as { main: { rows: Record<string, number> } };
  delete c.main.rows.d;
  assert.throws(() => data.restore(c), /checkpoint data cursor main: rows: expected one entry per weighted domain \(a, b, c, d\), got a, b, c/);
});
