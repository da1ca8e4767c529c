// The in-memory shape of a GGUF file (llama.cpp docs/gguf.md, gguf-py gguf_reader.py): header, metadata
// key/values, tensor infos. Tensor data is never part of it; read it per tensor with readTensorBytes.

export type GgufScalarType = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'f32' | 'bool' | 'string' | 'u64' | 'i64' | 'f64';

export type GgufValue =
  | { type: 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'f32' | 'f64'; value: number }
  | { type: 'u64' | 'i64'; value: bigint }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  // Numeric arrays are typed arrays (Uint8Array … Float64Array, BigUint64Array, BigInt64Array); strings →
  // string[]; bools → boolean[]; nested arrays → GgufValue[] whose items are themselves { type: 'array' }.
  | { type: 'array'; itemType: GgufScalarType | 'array'; value: ArrayLike<unknown> };

export interface GgufTensorInfo {
  name: string;
  /** Row-major, outermost first: GGUF's ne[] reversed, so the last entry is the row length ne[0]. */
  shape: number[];
  ggmlType: number;
  /** Absolute file offset of the first byte. */
  offset: number;
  byteLength: number;
}

export interface GgufFile {
  path: string;
  version: number;
  alignment: number;
  metadata: Map<string, GgufValue>;
  tensors: GgufTensorInfo[];
  /** Absolute file offset of the data section (tensor offsets in the file are relative to it). */
  dataOffset: number;
}

/** GGUF value type ids (gguf-py `GGUFValueType`), in the order of the format's enum. */
export const VALUE_TYPES = ['u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'f32', 'bool', 'string', 'array', 'u64', 'i64', 'f64'] as const;
export type GgufValueTypeName = (typeof VALUE_TYPES)[number];

/** Bytes of one fixed-size scalar; strings and arrays have a length prefix instead. */
export const SCALAR_BYTES: Record<Exclude<GgufScalarType, 'string'>, number> = {
  u8: 1, i8: 1, bool: 1, u16: 2, i16: 2, u32: 4, i32: 4, f32: 4, u64: 8, i64: 8, f64: 8,
};

export const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
export const GGUF_DEFAULT_ALIGNMENT = 32;
/** llama.cpp's GGML_MAX_DIMS: a tensor info has at most four ne[] entries. */
export const GGML_MAX_DIMS = 4;
