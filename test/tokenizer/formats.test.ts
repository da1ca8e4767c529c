// Loading from every file a user has and writing GGUF / tokenizer.json. Oracles: python sentencepiece's ids
// for a real tokenizer.model; llama.cpp's cases for the Llama 3 vocabulary written as Meta's tiktoken file
// (ids 0..127999 are the ranks) and for both vocabularies after GGUF and tokenizer.json round trips.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readGguf } from '../../src/io/gguf/read.js';
import { writeGguf } from '../../src/io/gguf/write.js';
import { tokenizerToGgufMetadata } from '../../src/tokenizer/gguf.js';
import { tokenizerToHfJson } from '../../src/tokenizer/hf-json.js';
import { detectTokenizerFile, loadTokenizer, loadVocab } from '../../src/tokenizer/load.js';
import { mergesFromRanks, tiktokenFileText } from '../../src/tokenizer/tiktoken-file.js';
import type { BpeVocab, Tokenizer } from '../../src/tokenizer/types.js';
import { FileFormatError } from '../../src/util/errors.js';
import { fixtureRoot, LLAMA2_GGUF, LLAMA3_GGUF, llama2, llama3, readCases } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'llamats-tok-'));

function passesCases(t: Tokenizer, gguf: string): void {
  for (const { text, ids } of readCases(gguf)) assert.deepEqual(t.encode(text), ids, JSON.stringify(text));
}

test('SentencePiece tokenizer.model: ids equal python sentencepiece on 51 strings', () => {
  const root = join(fixtureRoot(), 'sentencepiece');
  const t = loadTokenizer(join(root, 'tiny-bpe.model'));
  const { cases } = JSON.parse(readFileSync(join(root, 'tiny-bpe.cases.json'), 'utf8')) as { cases: Array<{ text: string; ids: number[]; decoded: string }> };
  assert.equal(cases.length, 51);
  for (const c of cases) {
    assert.deepEqual(t.encode(c.text), c.ids, JSON.stringify(c.text));
    assert.equal(t.decode(c.ids), c.decoded);
  }
});

test('tiktoken tokenizer.model from the Llama 3 ranks: llama.cpp cases pass; derived merges equal the GGUF merges', () => {
  const v = llama3().vocab as BpeVocab;
  const path = join(dir, 'tokenizer.model');
  writeFileSync(path, tiktokenFileText(v));
  const t = loadTokenizer(path);
  assert.equal(t.vocabSize, 128256);
  assert.equal(t.idToPiece(128009), '<|eot_id|>');
  assert.deepEqual(t.stopIds, [128001, 128009, 128008]); // Llama 3.1 names: <|eom_id|> is 128008
  passesCases(t, LLAMA3_GGUF);
  const derived = new Set(mergesFromRanks(v.tokens.slice(0, 128000)).map(([l, r]) => `${l} ${r}`));
  assert.equal(derived.size, v.merges.length);
  for (const [l, r] of v.merges) assert.ok(derived.has(`${l} ${r}`));
});

for (const [name, gguf, tok] of [['llama2', LLAMA2_GGUF, llama2], ['llama3', LLAMA3_GGUF, llama3]] as const) {
  test(`${name}: GGUF write → read gives the same vocabulary; llama.cpp cases pass`, () => {
    const path = join(dir, `${name}.gguf`);
    writeGguf(path, tokenizerToGgufMetadata(tok()), []);
    const back = loadVocab(path);
    assert.deepEqual(back, tok().vocab);
    passesCases(loadTokenizer(path), gguf);
  });

  test(`${name}: tokenizer.json write → read encodes identically (llama.cpp cases)`, () => {
    const path = join(dir, `${name}.tokenizer.json`);
    writeFileSync(path, JSON.stringify(tokenizerToHfJson(tok())));
    const t = loadTokenizer(path);
    assert.equal(t.family, tok().family);
    assert.deepEqual([t.bos, t.eos, t.vocabSize], [tok().bos, tok().eos, tok().vocabSize]);
    passesCases(t, gguf);
    if (name === 'llama3') assert.deepEqual(loadVocab(path), tok().vocab); // byte-level: lossless
  });
}

test('detection by content, and errors that name the file and what was expected', () => {
  assert.equal(detectTokenizerFile(readFileSync(LLAMA2_GGUF).subarray(0, 64), 'x'), 'gguf');
  assert.equal(detectTokenizerFile(Buffer.from(' {"model": {}}'), 'x'), 'hf-json');
  assert.equal(detectTokenizerFile(Buffer.from('IQ== 0\nIg== 1\n'), 'x'), 'tiktoken');
  assert.equal(detectTokenizerFile(readFileSync(join(fixtureRoot(), 'sentencepiece', 'tiny-bpe.model')).subarray(0, 64), 'x'), 'sentencepiece');
  const bad = join(dir, 'bad.bin');
  writeFileSync(bad, Buffer.from([0xff, 0x00, 0x01]));
  assert.throws(() => loadTokenizer(bad), (e: unknown) => e instanceof FileFormatError && e.message.includes(bad) && e.message.includes('expected a GGUF file'));
  const badRank = join(dir, 'bad-rank.model');
  writeFileSync(badRank, 'IQ== 0\nIg== 5\n');
  assert.throws(() => loadTokenizer(badRank), /line 2: expected rank 1/);
  const badJson = join(dir, 'bad.json');
  writeFileSync(badJson, JSON.stringify({ model: { type: 'WordPiece', vocab: {} } }));
  assert.throws(() => loadTokenizer(badJson), /model\.type: expected "BPE", got "WordPiece"/);
  assert.throws(() => llama3().decode([128256]), /token id: expected an integer in 0\.\.128255, got 128256/);
});

test('gguf: a model whose merges do not exist is rejected with the merge index', () => {
  const v = llama3().vocab as BpeVocab;
  const meta = tokenizerToGgufMetadata({ ...v, merges: [[0, 1], [v.tokens.length - 1, 0]] });
  const path = join(dir, 'bad-merge.gguf');
  writeGguf(path, meta, []);
  assert.throws(() => loadTokenizer(path), /tokenizer\.ggml\.merges\[1\]/);
  void readGguf;
});
