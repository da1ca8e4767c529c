// llama.cpp's official tokenizer cases (tests/test-tokenizer-0.cpp) on the real Llama 2 and Llama 3
// vocabularies: every id must match, and decoding must give the text back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LLAMA2_GGUF, LLAMA3_GGUF, llama2, llama3, readCases } from './fixtures.js';

for (const [name, gguf, tok] of [['llama2 (spm)', LLAMA2_GGUF, llama2], ['llama3 (bpe)', LLAMA3_GGUF, llama3]] as const) {
  test(`${name}: all 46 llama.cpp cases, exact ids and round trip`, () => {
    const t = tok();
    const cases = readCases(gguf);
    assert.equal(cases.length, 46);
    for (const { text, ids } of cases) {
      assert.deepEqual(t.encode(text), ids, `encode ${JSON.stringify(text)}`);
      assert.equal(t.decode(ids), text, `decode ${JSON.stringify(text)}`);
    }
  });
}
