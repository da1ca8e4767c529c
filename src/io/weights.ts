// The neutral in-memory form of a model file, whatever format it came from: the configuration, and the
// tensors under their GGUF names (src/model/params.ts) with Q/K rows in Meta/GGUF order. Tensor bytes stay on
// disk until read(), one tensor at a time, so a multi-GB model never sits in the JS heap whole.
import type { ModelConfig } from '../model/config.js';
import { numel } from '../model/params.js';
import { ConfigError } from '../util/errors.js';
import type { GgufFile, GgufValue } from './gguf/types.js';
import { dequantize, quantize } from './quant/codec.js';
import { ggmlType, ggmlTypeName, GGML, type GgmlTypeName } from './quant/types.js';

export interface WeightTensor {
  /** Row-major, outermost first ([out, in] for linear weights). */
  shape: number[];
  /** ggml type of the bytes read() returns. */
  ggmlType: number;
  /** The raw bytes, read from the file by range on each call. */
  read(): Uint8Array;
}

export interface SpecialTokens {
  bos?: number;
  /** End-of-sequence ids; the first is the tokenizer's eos, the rest are other stop ids (e.g. <|eot_id|>). */
  eos?: number[];
}

export type ModelSource = { kind: 'gguf'; file: GgufFile } | { kind: 'hf'; dir: string; config: Record<string, unknown> };

export interface WeightSet {
  config: ModelConfig;
  tensors: Map<string, WeightTensor>;
  name: string;
  special: SpecialTokens;
  source: ModelSource;
}

/** Weight types a user can ask for (`--type`), as ggml type names. */
export const WEIGHT_TYPES = { f32: 'F32', f16: 'F16', bf16: 'BF16', q8_0: 'Q8_0', q4_0: 'Q4_0', q4_k: 'Q4_K', q6_k: 'Q6_K' } as const satisfies Record<string, GgmlTypeName>;
export type WeightType = keyof typeof WEIGHT_TYPES;

export function parseWeightType(s: string, source: string): WeightType {
  if (!(s in WEIGHT_TYPES)) throw new ConfigError(source, '--type', Object.keys(WEIGHT_TYPES).join('|'), JSON.stringify(s));
  return s as WeightType;
}

/** A tensor's values as f32 (dequantized if needed). */
export function readF32(t: WeightTensor, name = 'tensor'): Float32Array {
  return dequantize(t.ggmlType, t.read(), numel(t.shape), name);
}

/** Elements converted per step, so a 2 GB embedding never needs a 2 GB f32 copy at once. */
const CHUNK_ELEMENTS = 1 << 22;

/** The tensor's bytes in ggml type `to`: copied when the type is the same, else via f32 in row chunks. */
export function retype(t: WeightTensor, to: number, name: string): Uint8Array {
  const bytes = t.read();
  if (t.ggmlType === to) return bytes;
  const from = ggmlType(t.ggmlType)!;
  const target = ggmlType(to);
  if (!target) throw new ConfigError(name, 'ggml type', 'a known type', String(to));
  const rowLength = t.shape[t.shape.length - 1]!;
  const rows = numel(t.shape) / rowLength;
  const rowsPerChunk = Math.max(1, Math.floor(CHUNK_ELEMENTS / rowLength));
  const inRow = (rowLength / from.block) * from.bytes;
  const outRow = (rowLength / target.block) * target.bytes;
  const out = new Uint8Array(rows * outRow);
  for (let r = 0; r < rows; r += rowsPerChunk) {
    const n = Math.min(rowsPerChunk, rows - r);
    const x = dequantize(t.ggmlType, bytes.subarray(r * inRow, (r + n) * inRow), n * rowLength, name);
    out.set(quantize(to, x, `${name} → ${ggmlTypeName(to)}`), r * outRow);
  }
  return out;
}

/**
 * The ggml type a tensor is stored as when a file of `requested` type is written, following llama.cpp:
 * 1-D tensors (norms, rope_freqs) stay F32 (convert_hf_to_gguf.py); output.weight is Q6_K in 4-bit files
 * (llama-quantize `llama_tensor_get_type`); a k-quant whose rows are not whole 256-blocks falls back to
 * Q8_0 (llama.cpp falls back to Q5_0/Q8_0; llamats writes no Q5_0). `requested` undefined keeps the type.
 */
export function storedType(name: string, shape: number[], current: number, requested: WeightType | undefined): number {
  if (shape.length === 1) return GGML.F32.id;
  if (requested === undefined) return current;
  let type: GgmlTypeName = WEIGHT_TYPES[requested];
  if (name === 'output.weight' && (type === 'Q4_0' || type === 'Q4_K')) type = 'Q6_K';
  if (shape[shape.length - 1]! % GGML[type].block !== 0) type = 'Q8_0';
  if (shape[shape.length - 1]! % GGML[type].block !== 0) type = 'F16';
  return GGML[type].id;
}

export type TokenizerMetadata = [string, GgufValue][];
