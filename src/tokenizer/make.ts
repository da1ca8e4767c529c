// A vocabulary → the tokenizer for its kind.
import { SpmBpeTokenizer } from './spm-bpe.js';
import { TiktokenBpeTokenizer } from './tiktoken-bpe.js';
import type { Tokenizer, Vocab } from './types.js';

export function makeTokenizer(v: Vocab): Tokenizer {
  return v.kind === 'spm' ? new SpmBpeTokenizer(v) : new TiktokenBpeTokenizer(v);
}
