// Trains a tokenizer of a chosen vocabulary size on a corpus, in one of the two Llama shapes:
//  - 'bpe' (Llama 3 shape): byte-level BPE over the Llama 3 pre-tokenizer's pieces; ids 0..255 are the bytes,
//    then the merges, then Llama 3's special tokens (<|begin_of_text|>, <|end_of_text|>, headers, <|eot_id|>,
//    reserved), so the Llama 3 chat template works with it.
//  - 'spm' (Llama 2 shape): SentencePiece-style BPE over characters with `▁` for space and a dummy prefix,
//    digits never merged (split_digits), characters below the coverage threshold left to byte fallback;
//    layout as Llama 2: <unk> <s> </s>, <0x00>..<0xFF>, merged pieces by score, then single characters.
import { ConfigError } from '../util/errors.js';
import { splitLlama3 } from './pretokenize.js';
import { SPACE_MARK } from './spm-bpe.js';
import { llama3SpecialTokens } from './tiktoken-file.js';
import { trainBpe } from './train-bpe.js';
import { TokenType, type BpeVocab, type SpmVocab, type Vocab } from './types.js';
import { toWellFormed, utf8Encode } from './utf8.js';

export interface TrainOptions {
  kind: 'bpe' | 'spm';
  /** Total vocabulary size, special tokens included. */
  vocabSize: number;
  /** 'bpe': number of Llama 3 special tokens appended (names from llama3SpecialTokens). Default 256. */
  specialTokens?: number;
  /** 'spm': fraction of character occurrences the single-character pieces must cover (SentencePiece default 0.9995). */
  characterCoverage?: number;
  onMerge?: (done: number, total: number) => void;
}

/** Counts of distinct pre-tokenized words across the texts. */
function countWords(texts: Iterable<string>, split: (text: string, add: (w: string) => void) => void): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of texts) split(toWellFormed(t), (w) => counts.set(w, (counts.get(w) ?? 0) + 1));
  return counts;
}

export function trainTokenizer(texts: Iterable<string>, opts: TrainOptions): Vocab {
  return opts.kind === 'bpe' ? trainByteLevel(texts, opts) : trainSentencePiece(texts, opts);
}

export function trainByteLevel(texts: Iterable<string>, opts: TrainOptions): BpeVocab {
  const nSpecial = opts.specialTokens ?? 256;
  const numMerges = opts.vocabSize - 256 - nSpecial;
  if (numMerges < 0) throw new ConfigError('train tokenizer', 'vocabSize', `at least ${256 + nSpecial} (256 bytes + ${nSpecial} special tokens)`, String(opts.vocabSize));
  const counts = countWords(texts, (t, add) => splitLlama3(t, (s, e) => add(t.slice(s, e))));
  const words: Int32Array[] = [];
  const freq: number[] = [];
  for (const [w, c] of counts) { words.push(Int32Array.from(utf8Encode(w))); freq.push(c); }
  const merges = trainBpe({ words, counts: freq, firstNewId: 256, numMerges, onMerge: (k) => opts.onMerge?.(k, numMerges) });
  const tokens: Uint8Array[] = [];
  for (let b = 0; b < 256; b++) tokens.push(new Uint8Array([b]));
  for (const [l, r] of merges) {
    const t = new Uint8Array(tokens[l]!.length + tokens[r]!.length);
    t.set(tokens[l]!); t.set(tokens[r]!, tokens[l]!.length);
    tokens.push(t);
  }
  // A small corpus may run out of pairs before numMerges: the vocabulary is then smaller than asked.
  const enc = new TextEncoder();
  const first = tokens.length;
  for (const s of llama3SpecialTokens(nSpecial)) tokens.push(enc.encode(s));
  const types = new Int32Array(tokens.length).fill(TokenType.normal);
  types.fill(TokenType.control, first);
  return { kind: 'bpe', tokens, types, merges, bos: first, eos: first + 1, pre: 'llama-bpe' };
}

export function trainSentencePiece(texts: Iterable<string>, opts: TrainOptions): SpmVocab {
  // Words as SentencePiece splits them: `▁` + text with spaces as `▁`, cut before each `▁` after a non-`▁`.
  const counts = countWords(texts, (t, add) => {
    const s = SPACE_MARK + t.replaceAll(' ', SPACE_MARK);
    let a = 0;
    for (let i = 1; i < s.length; i++) if (s.charCodeAt(i) === 0x2581 && s.charCodeAt(i - 1) !== 0x2581) { add(s.slice(a, i)); a = i; }
    add(s.slice(a));
  });
  // Characters by frequency; keep the most frequent up to the coverage, the rest fall back to bytes.
  const charFreq = new Map<string, number>();
  for (const [w, c] of counts) for (const ch of w) charFreq.set(ch, (charFreq.get(ch) ?? 0) + c);
  const byFreq = [...charFreq].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
  const total = byFreq.reduce((s, [, c]) => s + c, 0);
  const coverage = opts.characterCoverage ?? 0.9995;
  const chars: string[] = [];
  for (let covered = 0; chars.length < byFreq.length && (covered < coverage * total || chars.length === 0);) {
    const [ch, c] = byFreq[chars.length]!;
    chars.push(ch); covered += c;
  }
  const fixed = 3 + 256;
  const numMerges = opts.vocabSize - fixed - chars.length;
  if (numMerges < 0) throw new ConfigError('train tokenizer', 'vocabSize', `at least ${fixed + chars.length} (3 control + 256 byte pieces + ${chars.length} characters)`, String(opts.vocabSize));
  const charId = new Map(chars.map((ch, i) => [ch, i]));
  const UNKNOWN = chars.length; // a symbol that never merges (character left to byte fallback)
  const isDigit = /^\p{Nd}$/u;
  const words: Int32Array[] = [];
  const freq: number[] = [];
  for (const [w, c] of counts) { words.push(Int32Array.from(Array.from(w, (ch) => charId.get(ch) ?? UNKNOWN))); freq.push(c); }
  const mergeable = (id: number) => id !== UNKNOWN && (id > UNKNOWN || !isDigit.test(chars[id]!));
  const merges = trainBpe({ words, counts: freq, firstNewId: chars.length + 1, numMerges, mergeable, onMerge: (k) => opts.onMerge?.(k, numMerges) });
  const symbols: string[] = [...chars, ''];
  for (const [l, r] of merges) symbols.push(symbols[l]! + symbols[r]!);
  const pieces = ['<unk>', '<s>', '</s>'];
  const types = [TokenType.unknown, TokenType.control, TokenType.control] as number[];
  const scores = [0, 0, 0];
  for (let b = 0; b < 256; b++) { pieces.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`); types.push(TokenType.byte); scores.push(0); }
  // SentencePiece BPE scores: the k-th merge scores −k, single characters score below every merge.
  merges.forEach((_, k) => { pieces.push(symbols[chars.length + 1 + k]!); types.push(TokenType.normal); scores.push(-k); });
  chars.forEach((ch, i) => { pieces.push(ch); types.push(TokenType.normal); scores.push(-merges.length - i); });
  return { kind: 'spm', pieces, scores: Float32Array.from(scores), types: Int32Array.from(types), unk: 0, bos: 1, eos: 2, addDummyPrefix: true };
}
