// The one tokenizer interface the rest of llamats uses, and the two vocabulary shapes behind it: a SentencePiece
// vocabulary (Llama 2: pieces with scores) and a byte-level BPE vocabulary (Llama 3: byte tokens with merges).
// Loaders (load.ts) build a vocabulary from a file; spm-bpe.ts and tiktoken-bpe.ts turn it into a Tokenizer;
// gguf.ts and hf-json.ts write it back, so a tokenizer survives save/load unchanged.

/** GGUF token types (llama.cpp `llama_token_type`); HF tokenizer.json and SentencePiece map onto these. */
export const TokenType = { normal: 1, unknown: 2, control: 3, userDefined: 4, unused: 5, byte: 6 } as const;
export type TokenTypeId = (typeof TokenType)[keyof typeof TokenType];

/** Llama 2: SentencePiece BPE (scores, `▁` for space, `<0xNN>` byte fallback). Llama 2 §2.2. */
export interface SpmVocab {
  kind: 'spm';
  pieces: string[];
  scores: Float32Array;
  types: Int32Array;
  bos: number;
  eos: number;
  unk: number;
  /** Prepend `▁` to the text (SentencePiece `add_dummy_prefix`, true for Llama 2). */
  addDummyPrefix: boolean;
}

/** Llama 3: byte-level BPE (tiktoken). Tokens are raw bytes; merges are id pairs in rank order. Llama 3 §3.2. */
export interface BpeVocab {
  kind: 'bpe';
  /** Bytes of each token; for control tokens, the UTF-8 of their text (e.g. `<|eot_id|>`). */
  tokens: Uint8Array[];
  types: Int32Array;
  /** merges[r] = [left, right]: the r-th merge (lower r is applied first). */
  merges: Array<[number, number]>;
  bos: number;
  eos: number;
  /** Pre-tokenizer name as GGUF spells it (`tokenizer.ggml.pre`): only 'llama-bpe' (the Llama 3 regex) is built in. */
  pre: 'llama-bpe';
}

export type Vocab = SpmVocab | BpeVocab;

/** Which algorithm and conventions: 'llama2' = SentencePiece BPE, 'llama3' = tiktoken-style byte-level BPE. */
export type TokenizerFamily = 'llama2' | 'llama3';

export interface EncodeOptions {
  /** Prepend the BOS id (default false). */
  bos?: boolean;
  /** Append the EOS id (default false). */
  eos?: boolean;
  /** Parse the text of control tokens (e.g. `<|eot_id|>`, `<s>`) as those tokens (default false: plain text). */
  allowSpecial?: boolean;
}

export interface DecodeOptions {
  /** Render control tokens (BOS, EOS, headers) as their text; by default they produce no text. */
  special?: boolean;
}

/**
 * Streaming detokenizer for generation: push one id at a time and get back only complete UTF-8 text; an
 * incomplete multi-byte sequence (a character split over byte tokens) is held until it completes.
 */
export interface StreamDecoder {
  push(id: number): string;
  /** Ends the stream: any held incomplete bytes come out as U+FFFD. */
  flush(): string;
}

/** Ids with their pre-token (Llama 3) or chunk (Llama 2) start offsets in the text, for masks. */
export interface EncodedWithOffsets {
  ids: number[];
  /** starts[i] = UTF-16 offset in the text where the piece holding token i begins. */
  starts: number[];
}

export interface Tokenizer {
  readonly family: TokenizerFamily;
  readonly vocab: Vocab;
  readonly vocabSize: number;
  readonly bos: number;
  readonly eos: number;
  /** Control tokens (BOS, EOS, chat headers, reserved): never produced from plain text. */
  readonly specialIds: ReadonlySet<number>;
  /** Ids that end generation: Llama 2 {2}; Llama 3 {128001, 128009}; 3.1+ also 128008 (recipe §3). */
  readonly stopIds: readonly number[];
  encode(text: string, opts?: EncodeOptions): number[];
  /** Plain-text encoding (no BOS/EOS/specials) with where each token's piece starts. */
  encodeWithOffsets(text: string): EncodedWithOffsets;
  decode(ids: readonly number[], opts?: DecodeOptions): string;
  decodeStream(opts?: DecodeOptions): StreamDecoder;
  /** The raw bytes a token stands for (byte-fallback tokens give their byte; `▁` gives a space). */
  tokenBytes(id: number): Uint8Array;
  /** The token as the vocabulary file spells it (`▁Hello`, `ĠHello`, `<0x0A>`, `<|eot_id|>`). */
  idToPiece(id: number): string;
  pieceToId(piece: string): number | undefined;
}
