// The ggml tensor types: one table of (id, elements per block, bytes per block) that drives the GGUF reader's
// size checks, the writers, the quantizers and their tests. Ids and sizes are llama.cpp gguf-py
// `GGMLQuantizationType` / `GGML_QUANT_SIZES` (constants.py), byte sizes written as sums of the block's fields
// like there (d = f16 scale, qs = packed quants). Every type is listed so that a GGUF holding, say, Q5_K
// tensors still parses; which of them we can decode is a separate question (see ./dequantize.ts).

const QK_K = 256; // elements in a k-quant super-block (ggml-common.h)

export const GGML = {
  F32: { id: 0, block: 1, bytes: 4 },
  F16: { id: 1, block: 1, bytes: 2 },
  Q4_0: { id: 2, block: 32, bytes: 2 + 16 },
  Q4_1: { id: 3, block: 32, bytes: 2 + 2 + 16 },
  Q5_0: { id: 6, block: 32, bytes: 2 + 4 + 16 },
  Q5_1: { id: 7, block: 32, bytes: 2 + 2 + 4 + 16 },
  Q8_0: { id: 8, block: 32, bytes: 2 + 32 },
  Q8_1: { id: 9, block: 32, bytes: 4 + 4 + 32 },
  Q2_K: { id: 10, block: QK_K, bytes: 2 + 2 + QK_K / 16 + QK_K / 4 },
  Q3_K: { id: 11, block: QK_K, bytes: 2 + QK_K / 4 + QK_K / 8 + 12 },
  Q4_K: { id: 12, block: QK_K, bytes: 2 + 2 + QK_K / 2 + 12 },
  Q5_K: { id: 13, block: QK_K, bytes: 2 + 2 + QK_K / 2 + QK_K / 8 + 12 },
  Q6_K: { id: 14, block: QK_K, bytes: 2 + QK_K / 2 + QK_K / 4 + QK_K / 16 },
  Q8_K: { id: 15, block: QK_K, bytes: 4 + QK_K + QK_K / 8 },
  IQ2_XXS: { id: 16, block: QK_K, bytes: 2 + QK_K / 4 },
  IQ2_XS: { id: 17, block: QK_K, bytes: 2 + QK_K / 4 + QK_K / 32 },
  IQ3_XXS: { id: 18, block: QK_K, bytes: 2 + QK_K / 4 + QK_K / 8 },
  IQ1_S: { id: 19, block: QK_K, bytes: 2 + QK_K / 8 + QK_K / 16 },
  IQ4_NL: { id: 20, block: 32, bytes: 2 + 16 },
  IQ3_S: { id: 21, block: QK_K, bytes: 2 + QK_K / 4 + QK_K / 8 + QK_K / 32 + 4 },
  IQ2_S: { id: 22, block: QK_K, bytes: 2 + QK_K / 4 + QK_K / 16 },
  IQ4_XS: { id: 23, block: QK_K, bytes: 2 + 2 + QK_K / 2 + QK_K / 64 },
  I8: { id: 24, block: 1, bytes: 1 },
  I16: { id: 25, block: 1, bytes: 2 },
  I32: { id: 26, block: 1, bytes: 4 },
  I64: { id: 27, block: 1, bytes: 8 },
  F64: { id: 28, block: 1, bytes: 8 },
  IQ1_M: { id: 29, block: QK_K, bytes: QK_K / 8 + QK_K / 16 + QK_K / 32 },
  BF16: { id: 30, block: 1, bytes: 2 },
  TQ1_0: { id: 34, block: QK_K, bytes: 2 + 4 * 13 },
  TQ2_0: { id: 35, block: QK_K, bytes: 2 + 64 },
  MXFP4: { id: 39, block: 32, bytes: 1 + 16 },
} as const;

export type GgmlTypeName = keyof typeof GGML;
export interface GgmlTypeInfo {
  name: GgmlTypeName;
  id: number;
  block: number;
  bytes: number;
}

const BY_ID = new Map<number, GgmlTypeInfo>(
  (Object.entries(GGML) as [GgmlTypeName, { id: number; block: number; bytes: number }][]).map(([name, t]) => [t.id, { name, ...t }]),
);

/** The type with this ggml id, or undefined for an id llama.cpp does not define. */
export function ggmlType(id: number): GgmlTypeInfo | undefined {
  return BY_ID.get(id);
}

export function ggmlTypeName(id: number): string {
  return BY_ID.get(id)?.name ?? `unknown ggml type ${id}`;
}

/**
 * Bytes of a tensor with `nElements` elements whose row length is `rowLength`, or a string saying why the shape
 * does not fit the type (ggml quantizes whole rows: the row length must be a multiple of the block size).
 */
export function tensorByteLength(t: GgmlTypeInfo, rowLength: number, nElements: number): number | string {
  if (rowLength % t.block !== 0) return `a row length that is a multiple of ${t.block} (${t.name} block size)`;
  return (nElements / t.block) * t.bytes;
}
