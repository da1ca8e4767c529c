// SentencePiece `tokenizer.model` (Llama 2's file): a protobuf `ModelProto` (google/sentencepiece
// src/sentencepiece_model.proto). We read only what the tokenizer needs:
//   ModelProto      1: repeated SentencePiece pieces   2: TrainerSpec   3: NormalizerSpec
//   SentencePiece   1: string piece   2: float score   3: Type (NORMAL 1, UNKNOWN 2, CONTROL 3, USER_DEFINED 4, BYTE 6, UNUSED 5)
//   TrainerSpec     3: model_type (UNIGRAM 1, BPE 2)   40: unk_id   41: bos_id   42: eos_id
//   NormalizerSpec  3: add_dummy_prefix (default true)
// The piece types are numbered as GGUF's token types, so they carry over unchanged.
import { FileFormatError } from '../util/errors.js';
import { TokenType, type SpmVocab } from './types.js';

/** Minimal protobuf wire-format reader: varints, 32/64-bit fixed, length-delimited fields. */
class ProtoReader {
  pos: number;
  constructor(private readonly buf: Uint8Array, private readonly file: string, start = 0, readonly end = buf.length) {
    this.pos = start;
  }
  done(): boolean {
    return this.pos >= this.end;
  }
  varint(): number {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new FileFormatError(this.file, `protobuf byte ${this.pos}`, 'a complete varint', 'end of data');
      const b = this.buf[this.pos++]!;
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 128;
    }
    throw new FileFormatError(this.file, `protobuf byte ${this.pos}`, 'a varint of at most 10 bytes', 'more');
  }
  /** Returns [field number, wire type]. */
  tag(): [number, number] {
    const t = this.varint();
    return [Math.floor(t / 8), t % 8];
  }
  bytes(): [number, number] {
    const n = this.varint();
    if (this.pos + n > this.end) throw new FileFormatError(this.file, `protobuf byte ${this.pos}`, `${n} more bytes`, `${this.end - this.pos}`);
    const start = this.pos;
    this.pos += n;
    return [start, this.pos];
  }
  f32(): number {
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4).getFloat32(0, true);
    this.pos += 4;
    return v;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new FileFormatError(this.file, `protobuf byte ${this.pos}`, 'wire type 0, 1, 2 or 5', String(wire));
  }
  sub(range: [number, number]): ProtoReader {
    return new ProtoReader(this.buf, this.file, range[0], range[1]);
  }
}

/** Reads a SentencePiece BPE model; a unigram model is rejected (Llama uses BPE). */
export function vocabFromSentencePieceModel(buf: Uint8Array, file: string): SpmVocab {
  const text = new TextDecoder('utf-8', { fatal: true });
  const pieces: string[] = [];
  const scores: number[] = [];
  const types: number[] = [];
  let modelType = 1; // proto default UNIGRAM
  let unk = 0, bos = 1, eos = 2;
  let addDummyPrefix = true;
  const r = new ProtoReader(buf, file);
  while (!r.done()) {
    const [field, wire] = r.tag();
    if (field === 1 && wire === 2) {
      const p = r.sub(r.bytes());
      let piece = '', score = 0, type: number = TokenType.normal;
      while (!p.done()) {
        const [f, w] = p.tag();
        if (f === 1 && w === 2) piece = text.decode(buf.subarray(...p.bytes()));
        else if (f === 2 && w === 5) score = p.f32();
        else if (f === 3 && w === 0) type = p.varint();
        else p.skip(w);
      }
      pieces.push(piece); scores.push(score); types.push(type);
    } else if (field === 2 && wire === 2) {
      const t = r.sub(r.bytes());
      while (!t.done()) {
        const [f, w] = t.tag();
        // Negative ids (-1 = "none") are varint-encoded as 64-bit two's complement: read as huge numbers.
        const id = () => { const v = t.varint(); return v >= 2 ** 63 ? -1 : v; };
        if (f === 3 && w === 0) modelType = t.varint();
        else if (f === 40 && w === 0) unk = id();
        else if (f === 41 && w === 0) bos = id();
        else if (f === 42 && w === 0) eos = id();
        else t.skip(w);
      }
    } else if (field === 3 && wire === 2) {
      const nspec = r.sub(r.bytes());
      while (!nspec.done()) {
        const [f, w] = nspec.tag();
        if (f === 3 && w === 0) addDummyPrefix = nspec.varint() !== 0;
        else nspec.skip(w);
      }
    } else r.skip(wire);
  }
  if (modelType !== 2) throw new FileFormatError(file, 'trainer_spec.model_type', '2 (BPE; Llama 2 is SentencePiece BPE)', String(modelType));
  if (pieces.length === 0) throw new FileFormatError(file, 'pieces', 'at least one piece', 'none');
  const check = (name: string, id: number) => {
    if (id < 0 || id >= pieces.length) throw new FileFormatError(file, `trainer_spec.${name}`, `a piece id in 0..${pieces.length - 1}`, String(id));
    return id;
  };
  return { kind: 'spm', pieces, scores: Float32Array.from(scores), types: Int32Array.from(types), unk: check('unk_id', unk), bos: check('bos_id', bos), eos: check('eos_id', eos), addDummyPrefix };
}
