// GGUF v3 writer (llama.cpp docs/gguf.md; same layout as gguf-py `GGUFWriter`): header, metadata, tensor
// infos, padding to the alignment, then each tensor's data padded to the alignment. The file is streamed to
// a temporary file and renamed into place, so a tensor's bytes may be produced lazily, one at a time.
import { ConfigError } from '../../util/errors.js';
import { writeFileStreamingAtomic } from '../atomic-file.js';
import { ByteWriter } from '../byte-writer.js';
import { ggmlType, ggmlTypeName, tensorByteLength } from '../quant/types.js';
import { alignUp } from './read.js';
import { GGML_MAX_DIMS, GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, VALUE_TYPES, type GgufScalarType, type GgufValue } from './types.js';

export interface GgufTensorToWrite {
  name: string;
  /** Row-major, outermost first (written as ne[] reversed). */
  shape: number[];
  ggmlType: number;
  /** The bytes in the tensor's ggml type, or a function producing them when it is written (streaming). */
  data: Uint8Array | (() => Uint8Array);
}

/** llama.cpp's GGML_MAX_NAME is 64 bytes including the terminating NUL. */
const MAX_TENSOR_NAME_BYTES = 63;

export function writeGguf(path: string, metadata: [string, GgufValue][], tensors: GgufTensorToWrite[], alignment?: number): void {
  const source = `writeGguf ${path}`;
  const meta = withAlignment(source, metadata, alignment);
  const align = alignment ?? alignmentOf(meta);
  const sizes = tensors.map((t) => checkTensor(source, t));
  const names = new Set<string>();
  for (const t of tensors) {
    if (names.has(t.name)) throw new ConfigError(source, `tensor "${t.name}"`, 'each name once', 'a duplicate');
    names.add(t.name);
  }

  const h = new ByteWriter();
  h.u32(GGUF_MAGIC);
  h.u32(3);
  h.u64(tensors.length);
  h.u64(meta.length);
  const keys = new Set<string>();
  for (const [key, value] of meta) {
    if (keys.has(key)) throw new ConfigError(source, `metadata "${key}"`, 'each key once', 'a duplicate');
    keys.add(key);
    h.lengthPrefixedUtf8(key);
    h.u32(VALUE_TYPES.indexOf(value.type));
    writeValue(h, value, source, key, 0);
  }
  let offset = 0;
  tensors.forEach((t, i) => {
    h.lengthPrefixedUtf8(t.name);
    h.u32(t.shape.length);
    for (const n of [...t.shape].reverse()) h.u64(n);
    h.u32(t.ggmlType);
    h.u64(offset);
    offset += alignUp(sizes[i]!, align);
  });
  h.zeros(alignUp(h.length, align) - h.length);

  writeFileStreamingAtomic(path, (write) => {
    write(h.result());
    tensors.forEach((t, i) => {
      const data = typeof t.data === 'function' ? t.data() : t.data;
      if (data.byteLength !== sizes[i]) {
        throw new ConfigError(source, `tensor "${t.name}" data`, `${sizes[i]} bytes (${ggmlTypeName(t.ggmlType)} [${t.shape.join(', ')}])`, `${data.byteLength}`);
      }
      write(data);
      const pad = alignUp(data.byteLength, align) - data.byteLength;
      if (pad > 0) write(new Uint8Array(pad));
    });
  });
}

/** Adds general.alignment when a non-default alignment is asked for, and refuses a contradicting key. */
function withAlignment(source: string, metadata: [string, GgufValue][], alignment: number | undefined): [string, GgufValue][] {
  const existing = metadata.find(([k]) => k === 'general.alignment')?.[1];
  if (alignment === undefined) return metadata;
  if (!(Number.isInteger(alignment) && alignment > 0 && (alignment & (alignment - 1)) === 0 && alignment < 2 ** 31)) {
    throw new ConfigError(source, 'alignment', 'a power of two', String(alignment));
  }
  if (existing !== undefined) {
    if (existing.type !== 'u32' || existing.value !== alignment) throw new ConfigError(source, 'general.alignment', `u32 ${alignment} (the alignment argument)`, JSON.stringify(existing));
    return metadata;
  }
  return alignment === GGUF_DEFAULT_ALIGNMENT ? metadata : [...metadata, ['general.alignment', { type: 'u32', value: alignment }]];
}

function alignmentOf(metadata: [string, GgufValue][]): number {
  const v = metadata.find(([k]) => k === 'general.alignment')?.[1];
  if (v === undefined) return GGUF_DEFAULT_ALIGNMENT;
  if (v.type !== 'u32' || v.value === 0 || (v.value & (v.value - 1)) !== 0) throw new ConfigError('writeGguf', 'general.alignment', 'a u32 power of two', JSON.stringify(v));
  return v.value;
}

function checkTensor(source: string, t: GgufTensorToWrite): number {
  const field = `tensor "${t.name}"`;
  if (Buffer.byteLength(t.name, 'utf8') > MAX_TENSOR_NAME_BYTES) throw new ConfigError(source, field, `a name of at most ${MAX_TENSOR_NAME_BYTES} bytes (llama.cpp GGML_MAX_NAME)`, t.name);
  if (t.shape.length < 1 || t.shape.length > GGML_MAX_DIMS || !t.shape.every((n) => Number.isSafeInteger(n) && n >= 0)) {
    throw new ConfigError(source, `${field} shape`, `1..${GGML_MAX_DIMS} non-negative integers`, JSON.stringify(t.shape));
  }
  const type = ggmlType(t.ggmlType);
  if (!type) throw new ConfigError(source, `${field} type`, 'a ggml type id', String(t.ggmlType));
  const bytes = tensorByteLength(type, t.shape[t.shape.length - 1]!, t.shape.reduce((a, b) => a * b, 1));
  if (typeof bytes === 'string') throw new ConfigError(source, `${field} shape`, bytes, JSON.stringify(t.shape));
  return bytes;
}

// Range of each integer type, so a value that would be silently wrapped is refused instead.
const INT_RANGE: Partial<Record<GgufScalarType, [number, number]>> = {
  u8: [0, 0xff], i8: [-0x80, 0x7f], u16: [0, 0xffff], i16: [-0x8000, 0x7fff], u32: [0, 0xffffffff], i32: [-0x80000000, 0x7fffffff],
};

function writeScalar(h: ByteWriter, type: GgufScalarType, v: unknown, source: string, field: string): void {
  const bad = (expected: string) => new ConfigError(source, field, expected, String(v));
  const range = INT_RANGE[type];
  if (range) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < range[0] || v > range[1]) throw bad(`an integer in ${range[0]}..${range[1]} (${type})`);
  }
  switch (type) {
    case 'u8': return h.u8(v as number);
    case 'i8': return h.i8(v as number);
    case 'u16': return h.u16(v as number);
    case 'i16': return h.i16(v as number);
    case 'u32': return h.u32(v as number);
    case 'i32': return h.i32(v as number);
    case 'f32':
    case 'f64':
      if (typeof v !== 'number') throw bad(`a number (${type})`);
      return type === 'f32' ? h.f32(v) : h.f64(v);
    case 'u64':
      if (typeof v !== 'bigint' || v < 0n || v >= 1n << 64n) throw bad('a bigint in 0..2^64-1 (u64)');
      return h.u64(v);
    case 'i64':
      if (typeof v !== 'bigint' || v < -(1n << 63n) || v >= 1n << 63n) throw bad('a bigint in -2^63..2^63-1 (i64)');
      return h.i64(v);
    case 'bool':
      if (typeof v !== 'boolean') throw bad('a boolean');
      return h.u8(v ? 1 : 0);
    case 'string':
      if (typeof v !== 'string') throw bad('a string');
      return h.lengthPrefixedUtf8(v);
  }
}

const TYPED_OF: Partial<Record<GgufScalarType, Function>> = {
  u8: Uint8Array, i8: Int8Array, u16: Uint16Array, i16: Int16Array, u32: Uint32Array, i32: Int32Array,
  f32: Float32Array, f64: Float64Array, u64: BigUint64Array, i64: BigInt64Array,
};

function writeValue(h: ByteWriter, v: GgufValue, source: string, field: string, depth: number): void {
  if (v.type !== 'array') return writeScalar(h, v.type, v.value, source, field);
  if (depth >= 4) throw new ConfigError(source, field, 'arrays nested at most 4 deep', `depth ${depth + 1}`);
  const items = v.value;
  h.u32(VALUE_TYPES.indexOf(v.itemType));
  h.u64(items.length);
  const typed = v.itemType === 'array' ? undefined : TYPED_OF[v.itemType];
  if (typed && items instanceof typed) {
    // The typed array already holds the little-endian bytes (every platform Node supports is little-endian).
    const t = items as unknown as ArrayBufferView;
    h.bytes(new Uint8Array(t.buffer, t.byteOffset, t.byteLength));
    return;
  }
  for (let k = 0; k < items.length; k++) {
    const item = items[k];
    if (v.itemType === 'array') {
      const inner = item as GgufValue;
      if (inner?.type !== 'array') throw new ConfigError(source, `${field}[${k}]`, 'an array value (nested array)', JSON.stringify(inner));
      writeValue(h, inner, source, `${field}[${k}]`, depth + 1);
    } else {
      writeScalar(h, v.itemType, item, source, `${field}[${k}]`);
    }
  }
}
