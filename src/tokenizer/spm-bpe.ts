// Llama 2 tokenizer: SentencePiece BPE (Kudo & Richardson 2018; Llama 2 §2.2, recipe §3). Spaces become `▁`
// and one `▁` is prepended (add_dummy_prefix). Starting from characters, the adjacent pair whose concatenation is
// a piece with the highest score is merged (leftmost on ties), until none is; a character that is not a piece
// becomes its UTF-8 bytes as `<0xNN>` tokens (byte fallback). Same algorithm as llama.cpp `llm_tokenizer_spm`.
//
// Speed: no Llama 2 piece has `▁` after another character (checked at load), so no merge can cross the point
// before a `▁` that follows a non-`▁`; the text is cut there into chunks, encoded independently and cached.
import { ConfigError } from '../util/errors.js';
import { mergeHeap } from './bpe-merge.js';
import { SpecialMatcher } from './special-tokens.js';
import { Utf8StreamDecoder } from './stream-decoder.js';
import { TokenType, type DecodeOptions, type EncodedWithOffsets, type EncodeOptions, type SpmVocab, type StreamDecoder, type Tokenizer } from './types.js';
import { concatBytes, toWellFormed, utf8Decode, utf8Encode } from './utf8.js';

export const SPACE_MARK = '\u2581'; // ▁
const CACHE_LIMIT = 1 << 16;
const LONG_CHUNK = 64;
const SPACE = new Uint8Array([0x20]);
const EMPTY = new Uint8Array(0);

/** `<0x0A>` → 10, else undefined. */
export function byteOfPiece(piece: string): number | undefined {
  const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(piece);
  return m ? parseInt(m[1]!, 16) : undefined;
}

export class SpmBpeTokenizer implements Tokenizer {
  readonly family = 'llama2' as const;
  readonly vocabSize: number;
  readonly bos: number;
  readonly eos: number;
  readonly specialIds: ReadonlySet<number>;
  readonly stopIds: readonly number[];
  /** Pieces that merges may produce (normal and user-defined; SentencePiece keeps control/byte pieces apart). */
  private readonly mergeable = new Map<string, number>();
  private readonly pieceIds = new Map<string, number>();
  private readonly byteIds = new Int32Array(256).fill(-1);
  private readonly bytesById: Uint8Array[];
  private readonly special: SpecialMatcher;
  private readonly chunked: boolean;
  private readonly cache = new Map<string, number[]>();

  constructor(readonly vocab: SpmVocab) {
    const { pieces, types } = vocab;
    this.vocabSize = pieces.length;
    this.bos = vocab.bos;
    this.eos = vocab.eos;
    const specials: Array<[string, number]> = [];
    let crossing = false;
    this.bytesById = pieces.map((piece, id) => {
      if (!this.pieceIds.has(piece)) this.pieceIds.set(piece, id);
      const t = types[id]!;
      if (t === TokenType.byte) {
        const b = byteOfPiece(piece);
        if (b === undefined) throw new ConfigError('SentencePiece vocabulary', `piece ${id}`, 'a byte piece spelled <0xNN>', JSON.stringify(piece));
        if (this.byteIds[b] === -1) this.byteIds[b] = id;
        return new Uint8Array([b]);
      }
      if (t === TokenType.control) { specials.push([piece, id]); return utf8Encode(piece); }
      if (t === TokenType.normal || t === TokenType.userDefined) {
        if (!this.mergeable.has(piece)) this.mergeable.set(piece, id);
        if (/[^\u2581]\u2581/.test(piece)) crossing = true;
      }
      return utf8Encode(piece.replaceAll(SPACE_MARK, ' '));
    });
    this.chunked = !crossing;
    this.special = new SpecialMatcher(specials);
    this.specialIds = new Set(specials.map(([, id]) => id));
    this.stopIds = [vocab.eos];
  }

  encode(text: string, opts: EncodeOptions = {}): number[] {
    const out: number[] = [];
    if (opts.bos) out.push(this.bos);
    if (opts.allowSpecial) {
      // As llama.cpp: each text fragment that follows a special token (or starts the text) gets the dummy prefix.
      let afterSpecial = true;
      for (const seg of this.special.split(text)) {
        if ('id' in seg) { out.push(seg.id); afterSpecial = true; }
        else { this.encodeText(seg.text, afterSpecial, out, undefined); afterSpecial = false; }
      }
    } else this.encodeText(text, true, out, undefined);
    if (opts.eos) out.push(this.eos);
    return out;
  }

  encodeWithOffsets(text: string): EncodedWithOffsets {
    const ids: number[] = [];
    const starts: number[] = [];
    this.encodeText(text, true, ids, starts);
    return { ids, starts };
  }

  private encodeText(text: string, prefix: boolean, out: number[], starts: number[] | undefined): void {
    if (text === '') return;
    text = toWellFormed(text); // a lone surrogate is U+FFFD (a piece), not the bytes EF BF BD
    const lead = prefix && this.vocab.addDummyPrefix ? 1 : 0;
    const s = (lead ? SPACE_MARK : '') + text.replaceAll(' ', SPACE_MARK);
    const emit = (a: number, b: number) => {
      const chunk = s.slice(a, b);
      let ids = this.cache.get(chunk);
      if (ids === undefined) {
        ids = this.encodeChunk(chunk);
        if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
        this.cache.set(chunk, ids);
      }
      for (const id of ids) { out.push(id); starts?.push(Math.max(0, a - lead)); }
    };
    if (!this.chunked) return emit(0, s.length);
    let a = 0;
    for (let i = 1; i < s.length; i++) {
      if (s.charCodeAt(i) === 0x2581 && s.charCodeAt(i - 1) !== 0x2581) { emit(a, i); a = i; }
    }
    emit(a, s.length);
  }

  /** BPE by score over the characters of one chunk, then byte fallback for what is not a piece. */
  private encodeChunk(chunk: string): number[] {
    const sym = Array.from(chunk); // code points
    const score = (a: string, b: string) => {
      const id = this.mergeable.get(a + b);
      return id === undefined ? undefined : -this.vocab.scores[id]!; // higher score first
    };
    const merged = sym.length > LONG_CHUNK ? mergeHeap(sym, score, (a, b) => a + b) : mergeFlat(sym, score);
    const ids: number[] = [];
    for (const piece of merged) {
      const id = this.mergeable.get(piece);
      if (id !== undefined) { ids.push(id); continue; }
      for (const b of utf8Encode(piece)) ids.push(this.byteIds[b]! >= 0 ? this.byteIds[b]! : this.vocab.unk);
    }
    return ids;
  }

  tokenBytes(id: number): Uint8Array {
    const t = this.bytesById[id];
    if (t === undefined || !Number.isInteger(id)) throw new ConfigError('decode', 'token id', `an integer in 0..${this.vocabSize - 1}`, String(id));
    return t;
  }

  decode(ids: readonly number[], opts: DecodeOptions = {}): string {
    const state = { atStart: true };
    return utf8Decode(concatBytes(ids.map((id) => this.visibleBytes(id, state, opts))));
  }

  decodeStream(opts: DecodeOptions = {}): StreamDecoder {
    const state = { atStart: true };
    return new Utf8StreamDecoder((id) => this.visibleBytes(id, state, opts));
  }

  /**
   * The dummy-prefix space is dropped from the first text token, and from the first one after a control token
   * (encode prefixes each fragment after a special token, as llama.cpp), so decode inverts encode.
   */
  private visibleBytes(id: number, state: { atStart: boolean }, opts: DecodeOptions): Uint8Array {
    const bytes = this.tokenBytes(id);
    if (this.specialIds.has(id)) { state.atStart = true; return opts.special ? bytes : EMPTY; }
    const strip = state.atStart && this.vocab.addDummyPrefix && bytes[0] === SPACE[0] && this.vocab.types[id] !== TokenType.byte;
    state.atStart = false;
    return strip ? bytes.subarray(1) : bytes;
  }

  idToPiece(id: number): string {
    this.tokenBytes(id);
    return this.vocab.pieces[id]!;
  }

  pieceToId(piece: string): number | undefined {
    return this.pieceIds.get(piece);
  }
}

/** Flat O(n²) merge for short chunks: same result as mergeHeap (tested). */
function mergeFlat(sym: string[], rankOf: (a: string, b: string) => number | undefined): string[] {
  const ranks: number[] = [];
  const r = (i: number) => rankOf(sym[i]!, sym[i + 1]!) ?? Infinity;
  for (let i = 0; i + 1 < sym.length; i++) ranks.push(r(i));
  for (;;) {
    let best = Infinity;
    let at = -1;
    for (let i = 0; i < ranks.length; i++) if (ranks[i]! < best) { best = ranks[i]!; at = i; }
    if (at < 0) return sym;
    sym[at] = sym[at]! + sym[at + 1]!;
    sym.splice(at + 1, 1);
    ranks.splice(at, 1);
    if (at > 0) ranks[at - 1] = r(at - 1);
    if (at < ranks.length) ranks[at] = r(at);
  }
}
