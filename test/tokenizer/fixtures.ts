// Shared fixture access for the tokenizer tests: the real Llama 2 / Llama 3 vocabularies (vocab-only GGUF) and
// llama.cpp's official test cases, copied from ../shared/vocab (see test/fixtures/vocab/README.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readGguf } from '../../src/io/gguf/read.js';
import { tokenizerFromGguf } from '../../src/tokenizer/gguf.js';
import type { Tokenizer } from '../../src/tokenizer/types.js';

export const LLAMA2_GGUF = join(fixtureRoot(), 'ggml-vocab-llama-spm.gguf');
export const LLAMA3_GGUF = join(fixtureRoot(), 'ggml-vocab-llama-bpe.gguf');

/** test/fixtures/vocab whether running from test/ (tsx) or dist/test/ (compiled). */
export function fixtureRoot(): string {
  const here = import.meta.dirname;
  const root = here.includes(`${join('dist', 'test')}`) ? join(here, '..', '..', '..') : join(here, '..', '..');
  return join(root, 'test', 'fixtures', 'vocab');
}

const cache = new Map<string, Tokenizer>();
export function loadFixtureTokenizer(path: string): Tokenizer {
  let t = cache.get(path);
  if (!t) cache.set(path, (t = tokenizerFromGguf(readGguf(path))));
  return t;
}
export const llama2 = () => loadFixtureTokenizer(LLAMA2_GGUF);
export const llama3 = () => loadFixtureTokenizer(LLAMA3_GGUF);

/** llama.cpp's .inp/.out format (test/fixtures/vocab/README.md): cases split on "\n__ggml_vocab_test__\n". */
export function readCases(gguf: string): Array<{ text: string; ids: number[] }> {
  const texts = readFileSync(`${gguf}.inp`, 'utf8').split('\n__ggml_vocab_test__\n');
  texts.pop();
  const lines = readFileSync(`${gguf}.out`, 'utf8').split('\n');
  return texts.map((text, i) => ({ text, ids: lines[i]!.trim() === '' ? [] : lines[i]!.trim().split(' ').map(Number) }));
}
