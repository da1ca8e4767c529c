// Llama 3 tokenizer: tiktoken-style byte-level BPE (meta/llama3 tokenizer.py; Llama 3 §3.2). Text is split by
// the Llama 3 pre-tokenizer (pretokenize.ts); each piece is UTF-8 encoded and its bytes merged by rank
// (bpe-merge.ts). A piece that is itself a token is emitted directly, as tiktoken does (HF `ignore_merges`,
// llama.cpp for `llama-bpe`). Results per piece are cached: natural text repeats its words.
import { ConfigError } from '../util/errors.js';
import { buildMergeTable, bpeMerge, type MergeTable } from './bpe-merge.js';
import { bytesKey, bytesToPiece } from './byte-map.js';
import { splitLlama3 } from './pretokenize.js';
import { SpecialMatcher } from './special-tokens.js';
import { Utf8StreamDecoder } from './stream-decoder.js';
import { TokenType, type BpeVocab, type DecodeOptions, type EncodedWithOffsets, type EncodeOptions, type StreamDecoder, type Tokenizer } from './types.js';
import { concatBytes, utf8Decode, utf8Encode } from './utf8.js';

const CACHE_LIMIT = 1 << 17; // pieces; the cache is cleared when full (simple, and natural text refills it fast)
const CACHE_MAX_PIECE = 64; // UTF-16 units; longer pieces are rare and not worth keeping

const textDecoder = new TextDecoder();

export function isSpecialType(t: number): boolean {
  return t === TokenType.control || t === TokenType.userDefined;
}

export class TiktokenBpeTokenizer implements Tokenizer {
  readonly family = 'llama3' as const;
  readonly vocabSize: number;
  readonly bos: number;
  readonly eos: number;
  readonly specialIds: ReadonlySet<number>;
  readonly stopIds: readonly number[];
  private readonly byteIds = new Int32Array(256);
  private readonly idByBytes = new Map<string, number>();
  private readonly merges: MergeTable;
  private readonly special: SpecialMatcher;
  private readonly cache = new Map<string, number | number[]>();
  private pieceIds: Map<string, number> | undefined;

  constructor(readonly vocab: BpeVocab) {
    const { tokens, types } = vocab;
    this.vocabSize = tokens.length;
    this.bos = vocab.bos;
    this.eos = vocab.eos;
    const specials: Array<[string, number]> = [];
    for (let id = 0; id < tokens.length; id++) {
      if (isSpecialType(types[id]!)) specials.push([textDecoder.decode(tokens[id]), id]);
      else {
        const key = bytesKey(tokens[id]!);
        if (!this.idByBytes.has(key)) this.idByBytes.set(key, id);
      }
    }
    this.byteIds.fill(-1);
    for (let b = 0; b < 256; b++) {
      const id = this.idByBytes.get(String.fromCharCode(b));
      if (id === undefined) throw new ConfigError('byte-level BPE vocabulary', `token for byte 0x${b.toString(16).padStart(2, '0')}`, 'a single-byte token for each of the 256 bytes', 'none');
      this.byteIds[b] = id;
    }
    const mergedIds = vocab.merges.map(([l, r], rank) => {
      const id = this.idByBytes.get(bytesKey(concatBytes([tokens[l]!, tokens[r]!])));
      if (id === undefined) throw new ConfigError('byte-level BPE vocabulary', `merge ${rank}`, 'a merge whose concatenation is a token', `${this.idToPiece(l)} ${this.idToPiece(r)}`);
      return id;
    });
    this.merges = buildMergeTable(vocab.merges, mergedIds, tokens.length);
    this.special = new SpecialMatcher(specials);
    this.specialIds = new Set(specials.map(([, id]) => id));
    const stops = [vocab.eos, ...['<|eot_id|>', '<|eom_id|>'].map((t) => this.pieceToId(t))];
    this.stopIds = [...new Set(stops.filter((id): id is number => id !== undefined && this.specialIds.has(id)))];
  }

  encode(text: string, opts: EncodeOptions = {}): number[] {
    const out: number[] = [];
    if (opts.bos) out.push(this.bos);
    if (opts.allowSpecial) {
      for (const seg of this.special.split(text)) {
        if ('id' in seg) out.push(seg.id);
        else this.encodeOrdinary(seg.text, out, undefined, 0);
      }
    } else this.encodeOrdinary(text, out, undefined, 0);
    if (opts.eos) out.push(this.eos);
    return out;
  }

  encodeWithOffsets(text: string): EncodedWithOffsets {
    const ids: number[] = [];
    const starts: number[] = [];
    this.encodeOrdinary(text, ids, starts, 0);
    return { ids, starts };
  }

  private encodeOrdinary(text: string, out: number[], starts: number[] | undefined, base: number): void {
    const cache = this.cache;
    splitLlama3(text, (s, e) => {
      const piece = text.slice(s, e);
      let r = cache.get(piece);
      if (r === undefined) {
        r = this.encodePiece(piece);
        if (piece.length <= CACHE_MAX_PIECE) {
          if (cache.size >= CACHE_LIMIT) cache.clear();
          cache.set(piece, r);
        }
      }
      if (typeof r === 'number') {
        out.push(r);
        starts?.push(base + s);
      } else {
        for (const id of r) { out.push(id); starts?.push(base + s); }
      }
    });
  }

  /** BPE of one pre-token: a single id when the piece is one token, else the merged ids. */
  private encodePiece(piece: string): number | number[] {
    const bytes = utf8Encode(piece);
    const whole = this.idByBytes.get(bytesKey(bytes));
    if (whole !== undefined) return whole;
    const sym: number[] = new Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) sym[i] = this.byteIds[bytes[i]!]!;
    const ids = bpeMerge(sym, this.merges);
    return ids.length === 1 ? ids[0]! : ids;
  }

  tokenBytes(id: number): Uint8Array {
    const t = this.vocab.tokens[id];
    if (t === undefined || !Number.isInteger(id)) throw new ConfigError('decode', 'token id', `an integer in 0..${this.vocabSize - 1}`, String(id));
    return t;
  }

  decode(ids: readonly number[], opts: DecodeOptions = {}): string {
    return utf8Decode(concatBytes(ids.map((id) => this.visibleBytes(id, opts))));
  }

  decodeStream(opts: DecodeOptions = {}): StreamDecoder {
    return new Utf8StreamDecoder((id) => this.visibleBytes(id, opts));
  }

  private visibleBytes(id: number, opts: DecodeOptions): Uint8Array {
    const bytes = this.tokenBytes(id);
    return !opts.special && this.specialIds.has(id) ? new Uint8Array(0) : bytes;
  }

  idToPiece(id: number): string {
    const bytes = this.tokenBytes(id);
    return this.specialIds.has(id) ? textDecoder.decode(bytes) : bytesToPiece(bytes);
  }

  pieceToId(piece: string): number | undefined {
    if (!this.pieceIds) {
      this.pieceIds = new Map();
      for (let id = 0; id < this.vocabSize; id++) this.pieceIds.set(this.idToPiece(id), id);
    }
    return this.pieceIds.get(piece);
  }
}
