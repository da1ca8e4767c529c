// Weights as the inference path sees them: each linear layer is a matrix [rows = out, cols = in] stored either
// as float32 or in a GGUF block-quantized type, multiplied without dequantizing the whole matrix first.
// Training always uses the float32 ParameterSet (llama.ts); inference.ts uses these.
import { ShapeError } from '../util/errors.js';
import { kernels } from '../tensor/backend.js';
import type { Llama } from './llama.js';

export type WeightMatrix =
  | { kind: 'f32'; rows: number; cols: number; data: Float32Array }
  | {
      kind: 'quant';
      rows: number;
      cols: number;
      ggmlType: number;
      /** The GGUF blocks, rows contiguous (embedding lookups, and products on backends without a packed layout). */
      bytes: Uint8Array;
      /** The same rows in the backend's load-time layout (kernels().packQuant), when it has one for this type. */
      packed?: Uint8Array;
    };

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
   * wq | wk | wv and w1 | w3 with their rows stacked in one packed matrix (fuseProducts), so that decoding does
   * one product for each set; present only where every part is packed and group-aligned.
   */
  qkv?: PackedRows;
  w13?: PackedRows;
}

/** Rows of one or more product matrices in the backend's packed layout only (kernels().matmulQuantPacked). */
export interface PackedRows {
  rows: number;
  cols: number;
  ggmlType: number;
  packed: Uint8Array;
}

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
  if (w.packed && k.matmulQuantPacked) {
    k.matmulQuantPacked(out, x, w.packed, w.ggmlType, { M, K: w.cols, N: w.rows });
    return;
  }
  if (!k.matmulQuant) throw new ShapeError('linearInto', 'quantized weight', 'a backend with quantized kernels', `ggml type ${w.ggmlType}`);
  k.matmulQuant(out, x, w.bytes, w.ggmlType, { M, K: w.cols, N: w.rows });
}

/**
 * w with a copy of its blocks in the active backend's load-time layout for products (Q8_0/Q4_0 on AVX-512: 16
 * rows interleaved, as llama.cpp's repack), or w itself where the backend has none. The GGUF bytes stay as they
 * are (embedding rows are read from them), so a packed matrix holds its weights twice.
 */
export function packForInference(w: WeightMatrix): WeightMatrix {
  if (w.kind !== 'quant' || w.packed) return w;
  const packed = kernels().packQuant?.(w.bytes, w.ggmlType, w.rows, w.cols) ?? null;
  return packed ? { ...w, packed } : w;
}

/** out[M, p.rows] = x[M, p.cols] · pᵀ on a backend with packed products. */
export function linearPackedInto(out: Float32Array, x: Float32Array, p: PackedRows, M: number): void {
  const k = kernels();
  if (!k.matmulQuantPacked) throw new ShapeError('linearPackedInto', 'packed weight', 'a backend with packed products', k.name);
  k.matmulQuantPacked(out, x, p.packed, p.ggmlType, { M, K: p.cols, N: p.rows });
}

/** Rows per packed group (native/kernels/qpack/qpack.h): a part can be stacked after another only at a group edge. */
const PACK_ROWS = 16;

/**
 * The parts' packed rows stacked into one buffer, and the parts with their `packed` now views of it (no extra
 * memory once the old copies are collected); null unless every part is packed with the same type and width and
 * every part but the last has a whole number of 16-row groups.
 */
export function stackPacked(parts: WeightMatrix[]): { stacked: PackedRows; parts: WeightMatrix[] } | null {
  const first = parts[0];
  if (!first || first.kind !== 'quant' || !first.packed) return null;
  for (const [i, p] of parts.entries()) {
    if (p.kind !== 'quant' || !p.packed || p.ggmlType !== first.ggmlType || p.cols !== first.cols) return null;
    if (i < parts.length - 1 && p.rows % PACK_ROWS !== 0) return null;
  }
  const quant = parts as Extract<WeightMatrix, { kind: 'quant' }>[];
  const packed = new Uint8Array(quant.reduce((n, p) => n + p.packed!.length, 0));
  let at = 0;
  const views = quant.map((p) => {
    packed.set(p.packed!, at);
    const v = { ...p, packed: packed.subarray(at, at + p.packed!.length) };
    at += p.packed!.length;
    return v;
  });
  return { stacked: { rows: quant.reduce((n, p) => n + p.rows, 0), cols: first.cols, ggmlType: first.ggmlType, packed }, parts: views };
}

/** L with wq | wk | wv and w1 | w3 stacked for decoding (stackPacked), where they can be. */
export function fuseProducts(L: LayerInferenceWeights): LayerInferenceWeights {
  const qkv = stackPacked([L.wq, L.wk, L.wv]);
  const w13 = stackPacked([L.w1, L.w3]);
  return {
    ...L,
    ...(qkv ? { wq: qkv.parts[0]!, wk: qkv.parts[1]!, wv: qkv.parts[2]!, qkv: qkv.stacked } : {}),
    ...(w13 ? { w1: w13.parts[0]!, w3: w13.parts[1]!, w13: w13.stacked } : {}),
  };
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
  k.dequantizeRow(out, w.bytes, w.ggmlType, r, w.cols);
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
