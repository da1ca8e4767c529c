// The flat and heap merge loops must agree (the heap serves long words); checked on the real Llama 3 merges
// with random byte strings, including long ones that take the heap path inside encode.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bpeMergeFlat, bpeMergeHeap, buildMergeTable } from '../../src/tokenizer/bpe-merge.js';
import { makeTokenizer } from '../../src/tokenizer/make.js';
import type { BpeVocab } from '../../src/tokenizer/types.js';
import { Rng } from '../../src/util/rng.js';
import { llama3 } from './fixtures.js';

test('flat and heap merges agree on the Llama 3 merge table', () => {
  const v = llama3().vocab as BpeVocab;
  const key = new Map(v.tokens.map((t, i) => [Buffer.from(t).toString('latin1'), i]));
  const merged = v.merges.map(([l, r]) => key.get(Buffer.from([...v.tokens[l]!, ...v.tokens[r]!]).toString('latin1'))!);
  const table = buildMergeTable(v.merges, merged, v.tokens.length);
  const rng = new Rng(3);
  const alphabet = Buffer.from(' aeiouthnrs\n0123,.é日');
  for (let k = 0; k < 300; k++) {
    const n = 1 + rng.int(k < 20 ? 400 : 40);
    const sym = Array.from({ length: n }, () => key.get(String.fromCharCode(alphabet[rng.int(alphabet.length)]!))!);
    assert.deepEqual(bpeMergeHeap(sym.slice(), table), bpeMergeFlat(sym.slice(), table));
  }
});

test('a long word (heap path inside encode) round-trips and compresses', () => {
  const t = makeTokenizer(llama3().vocab);
  const word = 'abcdefghij'.repeat(30); // one 300-letter pre-token
  const ids = t.encode(word);
  assert.equal(t.decode(ids), word);
  assert.ok(ids.length < word.length / 2);
});
