// Hugging Face `tokenizer.json` (huggingface/tokenizers serialization) ↔ our vocabularies. Both Llama
// tokenizers are `model.type = "BPE"` there:
//  - Llama 2: `byte_fallback: true`, `▁` pieces, a normalizer that prepends `▁` and replaces spaces, and a
//    decoder Replace(▁→space) + ByteFallback + Fuse + Strip(1 leading space). The file has merges, not scores:
//    reading gives each piece the score −(rank of its first merge), which orders merges as the file does.
//  - Llama 3: GPT-2 byte spelling, pre_tokenizer Split(Llama 3 regex) + ByteLevel, decoder ByteLevel,
//    `ignore_merges: true`, the 256 specials in `added_tokens`.
// Writing follows the published files' structure so that HF `tokenizers` loads what we write.
import { FileFormatError } from '../util/errors.js';
import { pieceToBytes } from './byte-map.js';
import { parseMerges, vocabPieces } from './gguf.js';
import { isSpecialType } from './tiktoken-bpe.js';
import { TokenType, type BpeVocab, type SpmVocab, type Tokenizer, type Vocab } from './types.js';

const LLAMA3_REGEX = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

interface AddedToken { id: number; content: string; special?: boolean }
interface HfJson {
  added_tokens?: AddedToken[];
  normalizer?: unknown;
  pre_tokenizer?: unknown;
  post_processor?: unknown;
  decoder?: unknown;
  model?: { type?: string; vocab?: Record<string, number>; merges?: Array<string | string[]>; byte_fallback?: boolean };
}

export function vocabFromHfJson(json: unknown, file: string): Vocab {
  const j = json as HfJson;
  const model = j.model;
  if (typeof model !== 'object' || model === null || model.type !== 'BPE') throw new FileFormatError(file, 'model.type', '"BPE"', JSON.stringify(model?.type));
  if (typeof model.vocab !== 'object' || model.vocab === null) throw new FileFormatError(file, 'model.vocab', 'an object piece → id', typeof model.vocab);
  const added = Array.isArray(j.added_tokens) ? j.added_tokens : [];
  let n = 0;
  for (const id of Object.values(model.vocab)) n = Math.max(n, id + 1);
  for (const t of added) n = Math.max(n, t.id + 1);
  const pieces: string[] = new Array(n).fill('');
  const types = new Int32Array(n).fill(TokenType.unused);
  for (const [p, id] of Object.entries(model.vocab)) {
    if (!Number.isInteger(id) || id < 0) throw new FileFormatError(file, `model.vocab[${JSON.stringify(p)}]`, 'a non-negative integer id', String(id));
    pieces[id] = p;
    types[id] = TokenType.normal;
  }
  for (const t of added) {
    pieces[t.id] = t.content;
    types[t.id] = t.special === false ? TokenType.userDefined : TokenType.control;
  }
  const holes = types.indexOf(TokenType.unused);
  if (holes >= 0) throw new FileFormatError(file, `token ${holes}`, 'ids 0..n-1 all used', 'a gap');
  const pairs = (model.merges ?? []).map((m) => (Array.isArray(m) ? m : m.split(' ')));
  const idOf = (names: string[]) => names.map((s) => pieces.indexOf(s)).find((i) => i >= 0);

  if (model.byte_fallback) {
    const ids = new Map(pieces.map((p, i) => [p, i]));
    const scores = new Float32Array(n).fill(0);
    const seen = new Set<number>();
    pairs.forEach((pair, rank) => {
      const id = ids.get(pair.join(''));
      if (id === undefined) throw new FileFormatError(file, `model.merges[${rank}]`, 'a merge whose concatenation is a piece', JSON.stringify(pair.join(' ')));
      if (!seen.has(id)) { seen.add(id); scores[id] = -(rank + 1); }
    });
    pieces.forEach((p, i) => {
      if (/^<0x[0-9A-F]{2}>$/.test(p) && types[i] === TokenType.normal) types[i] = TokenType.byte;
      else if (types[i] === TokenType.normal && p.length > 1 && !seen.has(i)) scores[i] = -(pairs.length + 1); // unreachable by a merge in HF
    });
    const unk = idOf(['<unk>']) ?? 0;
    if (types[unk] === TokenType.control) types[unk] = TokenType.unknown;
    const addDummyPrefix = JSON.stringify(j.normalizer ?? null).includes('"prepend":"▁"') || JSON.stringify(j.pre_tokenizer ?? null).includes('Metaspace');
    return { kind: 'spm', pieces, scores, types, bos: idOf(['<s>']) ?? 1, eos: idOf(['</s>']) ?? 2, unk, addDummyPrefix } satisfies SpmVocab;
  }

  if (!JSON.stringify(j.pre_tokenizer ?? null).includes('ByteLevel')) throw new FileFormatError(file, 'pre_tokenizer', 'ByteLevel (Llama 3) or model.byte_fallback (Llama 2)', JSON.stringify(j.pre_tokenizer).slice(0, 80));
  const dec = new TextEncoder();
  const tokens = pieces.map((p, i) => {
    if (isSpecialType(types[i]!)) return dec.encode(p);
    const b = pieceToBytes(p);
    if (!b) throw new FileFormatError(file, `model.vocab[${JSON.stringify(p)}]`, 'a token in GPT-2 byte spelling', 'other characters');
    return b;
  });
  const merges = parseMerges(file, 'model.merges', pairs, pieces, types);
  const bos = idOf(['<|begin_of_text|>', '<s>']) ?? 0;
  const eos = idOf(['<|end_of_text|>', '</s>']) ?? 0;
  return { kind: 'bpe', tokens, types, merges, bos, eos, pre: 'llama-bpe' } satisfies BpeVocab;
}

const added = (id: number, content: string, special: boolean) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special });

function bosTemplate(bos: string, bosId: number) {
  return {
    type: 'TemplateProcessing',
    single: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
    pair: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: bos, type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }],
    special_tokens: { [bos]: { id: bos, ids: [bosId], tokens: [bos] } },
  };
}

/** SentencePiece merges for HF: every split of a piece into two pieces, pieces by descending score. */
function spmMerges(v: SpmVocab): string[] {
  const ids = new Map<string, number>();
  v.pieces.forEach((p, i) => { if (v.types[i] === TokenType.normal || v.types[i] === TokenType.userDefined) ids.set(p, i); });
  const order = [...ids.values()].sort((a, b) => v.scores[b]! - v.scores[a]! || a - b);
  const out: string[] = [];
  for (const id of order) {
    const cps = Array.from(v.pieces[id]!);
    for (let k = 1; k < cps.length; k++) {
      const l = cps.slice(0, k).join(''), r = cps.slice(k).join('');
      if (ids.has(l) && ids.has(r)) out.push(`${l} ${r}`);
    }
  }
  return out;
}

/** A tokenizer.json that HF `tokenizers` loads as this tokenizer, shaped like Meta's published files. */
export function tokenizerToHfJson(tok: Tokenizer | Vocab): object {
  const v = 'kind' in tok ? tok : tok.vocab;
  const pieces = vocabPieces(v);
  const vocab: Record<string, number> = Object.create(null) as Record<string, number>; // pieces like "constructor"
  pieces.forEach((p, i) => { if (!Object.hasOwn(vocab, p)) vocab[p] = i; });
  const specialIds = pieces.map((_, i) => i).filter((i) => isSpecialType(v.types[i]!) || (v.kind === 'spm' && v.types[i] === TokenType.unknown));
  const addedTokens = specialIds.map((i) => added(i, pieces[i]!, v.types[i] !== TokenType.userDefined));
  const head = { version: '1.0', truncation: null, padding: null, added_tokens: addedTokens };
  if (v.kind === 'spm') {
    return {
      ...head,
      normalizer: { type: 'Sequence', normalizers: [...(v.addDummyPrefix ? [{ type: 'Prepend', prepend: '▁' }] : []), { type: 'Replace', pattern: { String: ' ' }, content: '▁' }] },
      pre_tokenizer: null,
      post_processor: bosTemplate(pieces[v.bos]!, v.bos),
      decoder: { type: 'Sequence', decoders: [{ type: 'Replace', pattern: { String: '▁' }, content: ' ' }, { type: 'ByteFallback' }, { type: 'Fuse' }, ...(v.addDummyPrefix ? [{ type: 'Strip', content: ' ', start: 1, stop: 0 }] : [])] },
      model: { type: 'BPE', dropout: null, unk_token: pieces[v.unk], continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: true, byte_fallback: true, ignore_merges: false, vocab, merges: spmMerges(v) },
    };
  }
  return {
    ...head,
    normalizer: null,
    pre_tokenizer: { type: 'Sequence', pretokenizers: [
      { type: 'Split', pattern: { Regex: LLAMA3_REGEX }, behavior: 'Isolated', invert: false },
      { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
    ] },
    post_processor: { type: 'Sequence', processors: [{ type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true }, bosTemplate(pieces[v.bos]!, v.bos)] },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: true, vocab,
      merges: v.merges.map(([l, r]) => `${pieces[l]} ${pieces[r]}`) },
  };
}
