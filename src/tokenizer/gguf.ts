// Tokenizer ↔ GGUF metadata (`tokenizer.ggml.*`, llama.cpp gguf-py constants.py `Keys.Tokenizer`; recipe §2).
// Llama 2 is `model = "llama"` (pieces + scores + types); Llama 3 is `model = "gpt2"` (pieces in GPT-2's
// byte spelling + types + merges "left right"). Reading uses the io engineer's GGUF reader; writing returns
// metadata entries for `writeGguf`, so a model trained here carries its tokenizer.
import { metaF32Array, metaI32Array, metaNumber, metaOptional, metaString, metaStringArray, metaBool } from '../io/gguf/read.js';
import type { GgufFile, GgufValue } from '../io/gguf/types.js';
import { FileFormatError } from '../util/errors.js';
import { bytesToPiece, pieceToBytes } from './byte-map.js';
import { makeTokenizer } from './make.js';
import { isSpecialType } from './tiktoken-bpe.js';
import { TokenType, type Tokenizer, type Vocab } from './types.js';
import { utf8Encode } from './utf8.js';

/** Every tokenizer key we read or write, in one table. */
export const TOKENIZER_KEYS = {
  model: 'tokenizer.ggml.model',
  pre: 'tokenizer.ggml.pre',
  tokens: 'tokenizer.ggml.tokens',
  scores: 'tokenizer.ggml.scores',
  tokenType: 'tokenizer.ggml.token_type',
  merges: 'tokenizer.ggml.merges',
  bos: 'tokenizer.ggml.bos_token_id',
  eos: 'tokenizer.ggml.eos_token_id',
  unk: 'tokenizer.ggml.unknown_token_id',
  addBos: 'tokenizer.ggml.add_bos_token',
  addEos: 'tokenizer.ggml.add_eos_token',
  addSpacePrefix: 'tokenizer.ggml.add_space_prefix',
  chatTemplate: 'tokenizer.chat_template',
} as const;
const K = TOKENIZER_KEYS;

export function vocabFromGguf(f: GgufFile): Vocab {
  const model = metaString(f, K.model);
  const tokens = metaStringArray(f, K.tokens);
  const n = tokens.length;
  const types = metaOptional(f, K.tokenType, metaI32Array) ?? new Int32Array(n).fill(TokenType.normal);
  if (types.length !== n) throw new FileFormatError(f.path, K.tokenType, `${n} entries (one per token)`, String(types.length));
  const id = (key: string, fallback: number) => {
    const v = metaOptional(f, key, metaNumber) ?? fallback;
    if (!Number.isInteger(v) || v < 0 || v >= n) throw new FileFormatError(f.path, key, `a token id in 0..${n - 1}`, String(v));
    return v;
  };
  if (model === 'llama') {
    const scores = metaOptional(f, K.scores, metaF32Array) ?? new Float32Array(n);
    if (scores.length !== n) throw new FileFormatError(f.path, K.scores, `${n} entries (one per token)`, String(scores.length));
    const addDummyPrefix = metaOptional(f, K.addSpacePrefix, metaBool) ?? true;
    return { kind: 'spm', pieces: tokens, scores, types, bos: id(K.bos, 1), eos: id(K.eos, 2), unk: id(K.unk, 0), addDummyPrefix };
  }
  if (model === 'gpt2') {
    const pre = metaOptional(f, K.pre, metaString) ?? 'default';
    if (pre !== 'llama-bpe' && pre !== 'default') throw new FileFormatError(f.path, K.pre, '"llama-bpe" (the Llama 3 pre-tokenizer; others are not built in)', JSON.stringify(pre));
    const bytes = tokens.map((t, i) => {
      if (isSpecialType(types[i]!)) return utf8Encode(t);
      const b = pieceToBytes(t);
      if (!b) throw new FileFormatError(f.path, `${K.tokens}[${i}]`, 'a token in GPT-2 byte spelling', JSON.stringify(t));
      return b;
    });
    const merges = parseMerges(f.path, K.merges, metaStringArray(f, K.merges).map((m) => m.split(' ')), tokens, types);
    return { kind: 'bpe', tokens: bytes, types, merges, bos: id(K.bos, 0), eos: id(K.eos, 0), pre: 'llama-bpe' };
  }
  throw new FileFormatError(f.path, K.model, '"llama" (SentencePiece, Llama 2) or "gpt2" (byte-level BPE, Llama 3)', JSON.stringify(model));
}

/** Merges as [left, right] piece pairs → id pairs; the pieces are in GPT-2 byte spelling. */
export function parseMerges(file: string, field: string, pairs: string[][], pieces: readonly string[], types: Int32Array): Array<[number, number]> {
  const ids = new Map<string, number>();
  pieces.forEach((p, i) => { if (!isSpecialType(types[i]!) && !ids.has(p)) ids.set(p, i); });
  return pairs.map((pair, r) => {
    const l = ids.get(pair[0] ?? '');
    const rt = ids.get(pair[1] ?? '');
    if (pair.length !== 2 || l === undefined || rt === undefined) throw new FileFormatError(file, `${field}[${r}]`, 'two known tokens "left right"', JSON.stringify(pair.join(' ')));
    return [l, rt];
  });
}

export function tokenizerFromGguf(f: GgufFile): Tokenizer {
  return makeTokenizer(vocabFromGguf(f));
}

/** The pieces as files spell them: SentencePiece pieces as is; byte-level tokens in GPT-2 spelling, specials as text. */
export function vocabPieces(v: Vocab): string[] {
  if (v.kind === 'spm') return v.pieces;
  const dec = new TextDecoder();
  return v.tokens.map((t, i) => (isSpecialType(v.types[i]!) ? dec.decode(t) : bytesToPiece(t)));
}

const u32 = (value: number): GgufValue => ({ type: 'u32', value });
const bool = (value: boolean): GgufValue => ({ type: 'bool', value });
const str = (value: string): GgufValue => ({ type: 'string', value });
const strings = (value: string[]): GgufValue => ({ type: 'array', itemType: 'string', value });

/** Metadata entries for writeGguf that llama.cpp loads as this tokenizer (and vocabFromGguf reads back exactly). */
export function tokenizerToGgufMetadata(tok: Tokenizer | Vocab, opts: { chatTemplate?: string } = {}): [string, GgufValue][] {
  const v = 'kind' in tok ? tok : tok.vocab;
  const pieces = vocabPieces(v);
  const common: [string, GgufValue][] = [
    [K.tokens, strings(pieces)],
    [K.tokenType, { type: 'array', itemType: 'i32', value: v.types }],
    [K.bos, u32(v.bos)],
    [K.eos, u32(v.eos)],
    [K.addBos, bool(true)],
    [K.addEos, bool(false)],
  ];
  const tail: [string, GgufValue][] = opts.chatTemplate ? [[K.chatTemplate, str(opts.chatTemplate)]] : [];
  if (v.kind === 'spm') {
    return [[K.model, str('llama')], [K.pre, str('default')], ...common, [K.scores, { type: 'array', itemType: 'f32', value: v.scores }],
      [K.unk, u32(v.unk)], [K.addSpacePrefix, bool(v.addDummyPrefix)], ...tail];
  }
  const merges = v.merges.map(([l, r]) => `${pieces[l]} ${pieces[r]}`);
  return [[K.model, str('gpt2')], [K.pre, str(v.pre)], ...common, [K.merges, strings(merges)], ...tail];
}

