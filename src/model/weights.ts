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
