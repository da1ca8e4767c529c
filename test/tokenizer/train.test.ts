// The BPE trainer: the incremental algorithm against a naive one (recount every pair after each merge, the
// textbook definition) on a small corpus; trained tokenizers round-trip text, survive GGUF and tokenizer.json
// losslessly, and carry the Llama 3 special tokens so the Llama 3 chat template works with them.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeGguf } from '../../src/io/gguf/write.js';
import { formatChat } from '../../src/tokenizer/chat-templates.js';
import { tokenizerToGgufMetadata } from '../../src/tokenizer/gguf.js';
import { tokenizerToHfJson } from '../../src/tokenizer/hf-json.js';
import { loadVocab } from '../../src/tokenizer/load.js';
import { makeTokenizer } from '../../src/tokenizer/make.js';
import { trainBpe } from '../../src/tokenizer/train-bpe.js';
import { trainTokenizer } from '../../src/tokenizer/train-tokenizer.js';
import { randomStrings } from './random-strings.js';
import { readCases, LLAMA3_GGUF } from './fixtures.js';

/** Textbook BPE: count all pairs, merge the most frequent (ties: smallest pair), repeat. */
function naiveBpe(words: number[][], counts: number[], firstNewId: number, numMerges: number): Array<[number, number]> {
  const merges: Array<[number, number]> = [];
  for (let id = firstNewId; merges.length < numMerges; id++) {
    const pc = new Map<string, number>();
    words.forEach((w, i) => { for (let k = 0; k + 1 < w.length; k++) pc.set(`${w[k]},${w[k + 1]}`, (pc.get(`${w[k]},${w[k + 1]}`) ?? 0) + counts[i]!); });
    let best: [number, number] | undefined;
    let bestC = 0;
    for (const [key, c] of pc) {
      const [a, b] = key.split(',').map(Number) as [number, number];
      if (c > bestC || (c === bestC && best && (a < best[0] || (a === best[0] && b < best[1])))) { best = [a, b]; bestC = c; }
    }
    if (!best) break;
    merges.push(best);
    for (const w of words) for (let k = 0; k + 1 < w.length; k++) if (w[k] === best[0] && w[k + 1] === best[1]) w.splice(k, 2, id);
  }
  return merges;
}

const corpus = [...readCases(LLAMA3_GGUF).map((c) => c.text), ...randomStrings(9, 400), 'the cat sat on the mat. '.repeat(20), 'aaaaaaa aaa aa'];

test('incremental trainer = naive recount trainer (same merges, same order)', () => {
  const words = corpus.flatMap((s) => s.split(/(?= )/)).map((w) => Array.from(Buffer.from(w)));
  const counts = words.map(() => 1);
  const fast = trainBpe({ words: words.map((w) => Int32Array.from(w)), counts, firstNewId: 256, numMerges: 300 });
  const slow = naiveBpe(words.map((w) => w.slice()), counts, 256, 300);
  assert.deepEqual(fast, slow);
});

for (const kind of ['bpe', 'spm'] as const) {
  test(`${kind}: trained tokenizer round-trips text and survives GGUF and tokenizer.json`, () => {
    const v = trainTokenizer(corpus, { kind, vocabSize: 1200, specialTokens: 16 });
    const t = makeTokenizer(v);
    assert.equal(t.vocabSize, 1200);
    for (const s of randomStrings(21, 200)) {
      const clean = s.replaceAll('\u2581', ''); // SentencePiece reads ▁ as a space (as Llama 2 does)
      assert.equal(t.decode(t.encode(clean)), kind === 'spm' ? clean : s);
    }
    const dir = mkdtempSync(join(tmpdir(), 'llamats-train-'));
    writeGguf(join(dir, 't.gguf'), tokenizerToGgufMetadata(t), []);
    assert.deepEqual(loadVocab(join(dir, 't.gguf')), v);
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizerToHfJson(t)));
    const fromJson = makeTokenizer(loadVocab(join(dir, 'tokenizer.json')));
    if (kind === 'bpe') assert.deepEqual(loadVocab(join(dir, 'tokenizer.json')), v);
    for (const s of corpus) assert.deepEqual(fromJson.encode(s), t.encode(s));
  });
}

test('bpe: the trained tokenizer carries Llama 3 specials and formats Llama 3.1 chats', () => {
  const t = makeTokenizer(trainTokenizer(corpus, { kind: 'bpe', vocabSize: 600, specialTokens: 16 }));
  assert.equal(t.idToPiece(t.bos), '<|begin_of_text|>');
  assert.deepEqual(t.stopIds.map((id) => t.idToPiece(id)), ['<|end_of_text|>', '<|eot_id|>', '<|eom_id|>']);
  const out = formatChat(t, [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'the cat' }], { addGenerationPrompt: false });
  assert.equal(t.decode(out.ids, { special: true }), '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nthe cat<|eot_id|>');
  assert.equal(t.decode(out.ids.filter((_, i) => out.assistantMask[i]), { special: true }), 'the cat<|eot_id|>');
});
