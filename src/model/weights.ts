// Weights as the inference path sees them: each linear layer is a matrix [rows = out, cols = in] stored either
// as float32 or in a GGUF block-quantized type, multiplied without dequantizing the whole matrix first.
// Training always uses the float32 ParameterSet (llama.ts); inference.ts uses these.
import { ShapeError } from '../util/errors.js';
import { kernels } from '../tensor/backend.js';
import { unpackQuant } from '../tensor/ref/quant-packed.js';
import type { Llama } from './llama.js';

export type WeightMatrix =
  | { kind: 'f32'; rows: number; cols: number; data: Float32Array }
  /** GGUF blocks, rows contiguous. */
  | { kind: 'quant'; rows: number; cols: number; ggmlType: number; bytes: Uint8Array }
  /** GGUF blocks repacked at load into the backend's layout for products (kernels().packQuant); blocks not kept. */
  | { kind: 'packed'; rows: number; cols: number; ggmlType: number; packed: Uint8Array };

export interface LayerInferenceWeights {
  attnNorm: Float32Array;
  wq: WeightMatrix;
  wk: WeightMatrix;
  wv: WeightMatrix;
  wo: WeightMatrix;
  ffnNorm: Float32Array;
  w1: WeightMatrix;
  w3: WeightMatrix;
  w2: WeightMatrix;
  /**
   * wq | wk | wv and w1 | w3 with their rows stacked in one matrix (fuseProducts), so that decoding does one product
   * for each set; present where every part is float32, or packed and group-aligned.
   */
  qkv?: Stacked;
  w13?: Stacked;
}

/** A matrix of several parts' rows, and the parts it was made from (used only while they are still the layer's). */
export interface Stacked {
  matrix: PackedMatrix | F32Matrix;
  parts: readonly WeightMatrix[];
}

export type PackedMatrix = Extract<WeightMatrix, { kind: 'packed' }>;
export type F32Matrix = Extract<WeightMatrix, { kind: 'f32' }>;

export interface InferenceWeights {
  /** Token embedding rows, looked up per token (float32 or quantized rows dequantized on lookup). */
  tokEmbd: WeightMatrix;
  layers: LayerInferenceWeights[];
  norm: Float32Array;
  output: WeightMatrix;
}

/** out[M, w.rows] = x[M, w.cols] · wᵀ */
export function linearInto(out: Float32Array, x: Float32Array, w: WeightMatrix, M: number): void {
  if (w.kind === 'f32') {
    kernels().matmul(out, x, w.data, { M, K: w.cols, N: w.rows, transA: false, transB: true, accumulate: false });
    return;
  }
  const k = kernels();
  if (w.kind === 'packed' && k.matmulQuantPacked) {
    k.matmulQuantPacked(out, x, w.packed, w.ggmlType, { M, K: w.cols, N: w.rows });
    return;
  }
  if (!k.matmulQuant) throw new ShapeError('linearInto', 'quantized weight', 'a backend with quantized kernels', `ggml type ${w.ggmlType}`);
  // A packed matrix on a backend without packed products (e.g. switched to the TypeScript reference after loading).
  const bytes = w.kind === 'packed' ? unpackQuant(w.packed, w.ggmlType, w.rows, w.cols) : w.bytes;
  k.matmulQuant(out, x, bytes, w.ggmlType, { M, K: w.cols, N: w.rows });
}

/**
 * w in the active backend's load-time layout for products (Q8_0/Q4_0 on AVX-512: 16 rows interleaved, as
 * llama.cpp's repack), or w itself where the backend has none. The result no longer refers to w's blocks.
 */
export function packForInference(w: WeightMatrix): WeightMatrix {
  if (w.kind !== 'quant') return w;
  const packed = kernels().packQuant?.(w.bytes, w.ggmlType, w.rows, w.cols) ?? null;
  return packed ? { kind: 'packed', rows: w.rows, cols: w.cols, ggmlType: w.ggmlType, packed } : w;
}

/** A packed matrix back in GGUF blocks (tests, and products or lookups on a backend without the layout). */
export function unpackForInference(w: WeightMatrix): WeightMatrix {
  return w.kind === 'packed' ? { kind: 'quant', rows: w.rows, cols: w.cols, ggmlType: w.ggmlType, bytes: unpackQuant(w.packed, w.ggmlType, w.rows, w.cols) } : w;
}

/** Rows per packed group (native/kernels/qpack/qpack.h): a part can be stacked after another only at a group edge. */
const PACK_ROWS = 16;

/**
 * The parts' packed rows stacked into one matrix, and the parts as views of its buffer (no extra memory once
 * the old copies are collected); null unless every part is packed with the same type and width and every part
 * but the last has a whole number of 16-row groups.
 */
export function stackPacked(parts: WeightMatrix[]): { stacked: PackedMatrix; parts: PackedMatrix[] } | null {
  const first = parts[0];
  if (!first || first.kind !== 'packed') return null;
  const packedParts: PackedMatrix[] = [];
  for (const [i, p] of parts.entries()) {
    if (p.kind !== 'packed' || p.ggmlType !== first.ggmlType || p.cols !== first.cols) return null;
    if (i < parts.length - 1 && p.rows % PACK_ROWS !== 0) return null;
    packedParts.push(p);
  }
  const packed = new Uint8Array(packedParts.reduce((n, p) => n + p.packed.length, 0));
  let at = 0;
  const views = packedParts.map((p) => {
    packed.set(p.packed, at);
    const v: PackedMatrix = { ...p, packed: packed.subarray(at, at + p.packed.length) };
    at += p.packed.length;
    return v;
  });
  const rows = packedParts.reduce((n, p) => n + p.rows, 0);
  return { stacked: { kind: 'packed', rows, cols: first.cols, ggmlType: first.ggmlType, packed }, parts: views };
}

/**
 * The parts' float32 rows in one buffer, and the parts as views of it (no extra memory once the old copies are
 * collected); null unless every part is float32 with the same width. A GEMV output row depends only on its own
 * weight row, so the stacked product is bit-identical to the parts' products.
 */
export function stackF32(parts: WeightMatrix[]): { stacked: F32Matrix; parts: F32Matrix[] } | null {
  const first = parts[0];
  if (!first || first.kind !== 'f32' || parts.some((p) => p.kind !== 'f32' || p.cols !== first.cols)) return null;
  const f32Parts = parts as F32Matrix[];
  const data = new Float32Array(f32Parts.reduce((n, p) => n + p.data.length, 0));
  let at = 0;
  const views = f32Parts.map((p) => {
    data.set(p.data, at);
    const v: F32Matrix = { ...p, data: data.subarray(at, at + p.data.length) };
    at += p.data.length;
    return v;
  });
  return { stacked: { kind: 'f32', rows: f32Parts.reduce((n, p) => n + p.rows, 0), cols: first.cols, data }, parts: views };
}

/** L with wq | wk | wv and w1 | w3 stacked for decoding (stackPacked, stackF32), where they can be. */
export function fuseProducts(L: LayerInferenceWeights): LayerInferenceWeights {
  const stack = (parts: WeightMatrix[]) => stackPacked(parts) ?? stackF32(parts);
  const qkv = stack([L.wq, L.wk, L.wv]);
  const w13 = stack([L.w1, L.w3]);
  return {
    ...L,
    ...(qkv ? { wq: qkv.parts[0]!, wk: qkv.parts[1]!, wv: qkv.parts[2]!, qkv: { matrix: qkv.stacked, parts: qkv.parts } } : {}),
    ...(w13 ? { w1: w13.parts[0]!, w3: w13.parts[1]!, w13: { matrix: w13.stacked, parts: w13.parts } } : {}),
  };
}

/**
 * The stacked matrix of `parts` when s was made from exactly these (a layer copied with one matrix replaced,
 * e.g. by a test's dequantized reference, falls back to one product per matrix), else null.
 */
export function stackedOf(s: Stacked | undefined, ...parts: WeightMatrix[]): WeightMatrix | null {
  return s && s.parts.length === parts.length && s.parts.every((p, i) => p === parts[i]) ? s.matrix : null;
}

/** Copies row r of w (an embedding table) into out. */
export function rowInto(out: Float32Array, w: WeightMatrix, r: number): void {
  if (!(r >= 0 && r < w.rows)) throw new ShapeError('embedding', 'token id', `in [0, ${w.rows})`, `${r}`);
  if (w.kind === 'f32') {
    out.set(w.data.subarray(r * w.cols, (r + 1) * w.cols));
    return;
  }
  const k = kernels();
  if (!k.dequantizeRow) throw new ShapeError('rowInto', 'quantized weight', 'a backend with quantized kernels', `ggml type ${w.ggmlType}`);
  if (w.kind === 'packed') k.dequantizeRow(out, unpackQuant(w.packed, w.ggmlType, w.rows, w.cols, r, r + 1), w.ggmlType, 0, w.cols);
  else k.dequantizeRow(out, w.bytes, w.ggmlType, r, w.cols);
}

const f32 = (t: { data: Float32Array; shape: readonly number[] }): WeightMatrix => ({ kind: 'f32', rows: t.shape[0]!, cols: t.shape[1]!, data: t.data });

/** Views of a training model's float32 parameters (no copy: inference sees later updates). */
export function inferenceWeightsOf(model: Llama): InferenceWeights {
  return {
    tokEmbd: f32(model.tokEmbeddings),
    layers: model.layers.map((l) => ({
      attnNorm: l.attnNorm.data,
      wq: f32(l.wq),
      wk: f32(l.wk),
      wv: f32(l.wv),
      wo: f32(l.wo),
      ffnNorm: l.ffnNorm.data,
      w1: f32(l.w1),
      w3: f32(l.w3),
      w2: f32(l.w2),
    })),
    norm: model.norm.data,
    output: f32(model.output),
  };
}
