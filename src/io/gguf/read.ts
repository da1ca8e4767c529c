// GGUF v2/v3 reader (layout: llama.cpp docs/gguf.md, ggml/src/gguf.cpp `gguf_init_from_file_impl`). Reads the
// header, the metadata and the tensor infos through a bounded window, and no tensor data: a tensor's bytes are
// read by range with readTensorBytes when the caller wants them. Every count, length, shape and offset is
// checked against the file before it is used, so a hostile file gets a FileFormatError, never a crash.
import { closeSync, fstatSync, openSync } from 'node:fs';
import { FileFormatError } from '../../util/errors.js';
import { readFully, withCursor, type FileCursor } from '../file-cursor.js';
import { ggmlType, tensorByteLength } from '../quant/types.js';
import {
  GGML_MAX_DIMS, GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, SCALAR_BYTES, VALUE_TYPES,
  type GgufFile, type GgufScalarType, type GgufTensorInfo, type GgufValue,
} from './types.js';

/** Arrays of arrays nest at most this deep (llama.cpp itself refuses nested arrays; gguf-py writes them). */
const MAX_ARRAY_DEPTH = 4;
// Smallest encodings, used to bound counts before allocating: a KV is key length + type + a 1-byte value;
// a tensor info is name length + n_dims + one ne + type + offset.
const MIN_KV_BYTES = 8 + 4 + 1;
const MIN_TENSOR_INFO_BYTES = 8 + 4 + 8 + 4 + 8;

export function readGguf(path: string): GgufFile {
  return withCursor(path, (c) => {
    const magic = c.u32('magic');
    if (magic !== GGUF_MAGIC) throw new FileFormatError(path, 'magic', '"GGUF" (a GGUF file)', JSON.stringify(Buffer.from(new Uint32Array([magic]).buffer).toString('latin1')));
    const version = c.u32('version');
    if (version !== 2 && version !== 3) {
      const swapped = Buffer.alloc(4);
      swapped.writeUInt32BE(version);
      const hint = [2, 3].includes(swapped.readUInt32LE()) ? ' (a big-endian GGUF, which is not supported)' : '';
      throw new FileFormatError(path, 'version', '2 or 3', `${version}${hint}`);
    }
    const nTensors = c.count('tensor count', MIN_TENSOR_INFO_BYTES);
    const nKv = c.count('metadata count', MIN_KV_BYTES);

    const metadata = new Map<string, GgufValue>();
    for (let i = 0; i < nKv; i++) {
      const key = readString(c, `metadata #${i} key`);
      if (metadata.has(key)) throw new FileFormatError(path, `metadata "${key}"`, 'each key once', 'a duplicate key');
      const type = valueType(c, `metadata "${key}" type`);
      metadata.set(key, readValue(c, type, `metadata "${key}"`, 0));
    }

    const alignment = readAlignment(path, metadata);
    const infos: { name: string; ne: number[]; ggmlType: number; rel: bigint }[] = [];
    const names = new Set<string>();
    for (let i = 0; i < nTensors; i++) {
      const name = readString(c, `tensor #${i} name`);
      if (names.has(name)) throw new FileFormatError(path, `tensor "${name}"`, 'each tensor name once', 'a duplicate name');
      names.add(name);
      const nDims = c.u32(`tensor "${name}" n_dims`);
      if (nDims < 1 || nDims > GGML_MAX_DIMS) throw new FileFormatError(path, `tensor "${name}" n_dims`, `1..${GGML_MAX_DIMS}`, String(nDims));
      const ne: number[] = [];
      for (let d = 0; d < nDims; d++) {
        const n = c.u64(`tensor "${name}" ne[${d}]`);
        if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new FileFormatError(path, `tensor "${name}" ne[${d}]`, 'a dimension below 2^53', String(n));
        ne.push(Number(n));
      }
      const type = c.u32(`tensor "${name}" type`);
      infos.push({ name, ne, ggmlType: type, rel: c.u64(`tensor "${name}" offset`) });
    }

    const dataOffset = alignUp(c.pos, alignment);
    const tensors = infos.map((t) => tensorInfo(path, c.size, dataOffset, alignment, t));
    checkNoOverlap(path, tensors);
    return { path, version, alignment, metadata, tensors, dataOffset };
  });
}

/** One tensor's raw bytes (still in its ggml type), read by range: the rest of the file stays on disk. */
export function readTensorBytes(f: GgufFile, t: GgufTensorInfo): Uint8Array {
  const fd = openSync(f.path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (t.offset + t.byteLength > size) {
      throw new FileFormatError(f.path, `tensor "${t.name}" data`, `bytes up to offset ${t.offset + t.byteLength}`, `a file of ${size} bytes (changed since it was opened?)`);
    }
    const out = new Uint8Array(t.byteLength);
    readFully(fd, out, t.offset, f.path, `tensor "${t.name}" data`);
    return out;
  } finally {
    closeSync(fd);
  }
}

// --- typed metadata access: each names the file and key, and what it expected, when the value is wrong ---

function describe(v: GgufValue | undefined): string {
  if (v === undefined) return 'nothing (key missing)';
  return v.type === 'array' ? `an array of ${v.itemType}` : `${v.type} ${String(v.value).slice(0, 40)}`;
}

export function metaString(f: GgufFile, key: string): string {
  const v = f.metadata.get(key);
  if (v?.type !== 'string') throw new FileFormatError(f.path, key, 'a string', describe(v));
  return v.value;
}

/** Any numeric scalar; u64/i64 only when they fit a double exactly. */
export function metaNumber(f: GgufFile, key: string): number {
  const v = f.metadata.get(key);
  if (v?.type === 'u64' || v?.type === 'i64') {
    if (v.value > BigInt(Number.MAX_SAFE_INTEGER) || v.value < -BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new FileFormatError(f.path, key, 'an integer below 2^53', String(v.value));
    }
    return Number(v.value);
  }
  if (v === undefined || v.type === 'array' || v.type === 'string' || v.type === 'bool') throw new FileFormatError(f.path, key, 'a number', describe(v));
  return v.value as number;
}

export function metaBool(f: GgufFile, key: string): boolean {
  const v = f.metadata.get(key);
  if (v?.type !== 'bool') throw new FileFormatError(f.path, key, 'a bool', describe(v));
  return v.value;
}

export function metaOptional<T>(f: GgufFile, key: string, get: (f: GgufFile, k: string) => T): T | undefined {
  return f.metadata.has(key) ? get(f, key) : undefined;
}

export function metaStringArray(f: GgufFile, key: string): string[] {
  const v = f.metadata.get(key);
  if (v?.type !== 'array' || v.itemType !== 'string') throw new FileFormatError(f.path, key, 'an array of strings', describe(v));
  return v.value as string[];
}

export function metaF32Array(f: GgufFile, key: string): Float32Array {
  const v = f.metadata.get(key);
  if (v?.type !== 'array' || v.itemType !== 'f32') throw new FileFormatError(f.path, key, 'an array of f32', describe(v));
  return v.value as Float32Array;
}

/** An i32 array; u32/i16/u16/i8/u8 arrays are widened (writers differ on the type of token_type). */
export function metaI32Array(f: GgufFile, key: string): Int32Array {
  const v = f.metadata.get(key);
  if (v?.type === 'array' && v.itemType === 'i32') return v.value as Int32Array;
  if (v?.type === 'array' && ['u8', 'i8', 'u16', 'i16'].includes(v.itemType)) return Int32Array.from(v.value as ArrayLike<number>);
  if (v?.type === 'array' && v.itemType === 'u32') {
    const a = v.value as Uint32Array;
    if (a.every((x) => x <= 0x7fffffff)) return new Int32Array(a.buffer, a.byteOffset, a.length);
  }
  throw new FileFormatError(f.path, key, 'an array of i32', describe(v));
}

// --- parsing ---

function readString(c: FileCursor, field: string): string {
  const n = c.count(`${field} length`, 1);
  return c.utf8(n, field);
}

function valueType(c: FileCursor, field: string): GgufScalarType | 'array' {
  const id = c.u32(field);
  const t = VALUE_TYPES[id];
  if (t === undefined) throw new FileFormatError(c.path, field, `a value type 0..${VALUE_TYPES.length - 1}`, String(id));
  return t;
}

function readValue(c: FileCursor, type: GgufScalarType | 'array', field: string, depth: number): GgufValue {
  if (type === 'array') return readArray(c, field, depth + 1);
  if (type === 'string') return { type, value: readString(c, field) };
  const i = c.take(SCALAR_BYTES[type], field);
  const w = c.window(); // after take(): a refill replaces the window
  switch (type) {
    case 'u8': return { type, value: w.readUInt8(i) };
    case 'i8': return { type, value: w.readInt8(i) };
    case 'u16': return { type, value: w.readUInt16LE(i) };
    case 'i16': return { type, value: w.readInt16LE(i) };
    case 'u32': return { type, value: w.readUInt32LE(i) };
    case 'i32': return { type, value: w.readInt32LE(i) };
    case 'f32': return { type, value: w.readFloatLE(i) };
    case 'f64': return { type, value: w.readDoubleLE(i) };
    case 'u64': return { type, value: w.readBigUInt64LE(i) };
    case 'i64': return { type, value: w.readBigInt64LE(i) };
    case 'bool': return { type, value: bool(c, w[i]!, field) };
  }
}

function bool(c: FileCursor, byte: number, field: string): boolean {
  if (byte > 1) throw new FileFormatError(c.path, field, 'a bool (0 or 1)', String(byte));
  return byte === 1;
}

const TYPED: Record<Exclude<GgufScalarType, 'string' | 'bool'>, { new (b: ArrayBuffer): ArrayLike<unknown> }> = {
  u8: Uint8Array, i8: Int8Array, u16: Uint16Array, i16: Int16Array, u32: Uint32Array, i32: Int32Array,
  f32: Float32Array, f64: Float64Array, u64: BigUint64Array, i64: BigInt64Array,
};

function readArray(c: FileCursor, field: string, depth: number): GgufValue {
  if (depth > MAX_ARRAY_DEPTH) throw new FileFormatError(c.path, field, `arrays nested at most ${MAX_ARRAY_DEPTH} deep`, `depth ${depth}`);
  const itemType = valueType(c, `${field} item type`);
  const minItem = itemType === 'array' ? 4 + 8 : itemType === 'string' ? 8 : SCALAR_BYTES[itemType];
  const n = c.count(`${field} length`, minItem);
  if (itemType === 'string') {
    const out = new Array<string>(n);
    eachItem(n, field, (k) => (out[k] = readString(c, field)));
    return { type: 'array', itemType, value: out };
  }
  if (itemType === 'array') {
    const out = new Array<GgufValue>(n);
    eachItem(n, field, (k) => (out[k] = readArray(c, field, depth + 1)));
    return { type: 'array', itemType, value: out };
  }
  if (itemType === 'bool') {
    const i = c.take(n, field);
    const w = c.window();
    const out = new Array<boolean>(n);
    for (let k = 0; k < n; k++) out[k] = bool(c, w[i + k]!, `${field}[${k}]`);
    return { type: 'array', itemType, value: out };
  }
  // Copy the raw little-endian bytes into a fresh (hence aligned) buffer and view it as the typed array.
  const bytes = c.bytes(n * SCALAR_BYTES[itemType], field);
  return { type: 'array', itemType, value: new TYPED[itemType](bytes.buffer as ArrayBuffer) };
}

/**
 * Runs `body` for items 0..n-1; an error names the item (`tokens[1234]`). The index is added only when
 * something fails, because formatting 400K field names up front costs more than parsing the strings.
 */
function eachItem(n: number, field: string, body: (k: number) => void): void {
  let k = 0;
  try {
    for (; k < n; k++) body(k);
  } catch (e) {
    if (e instanceof FileFormatError && e.field.startsWith(field)) {
      throw new FileFormatError(e.file, `${field}[${k}]${e.field.slice(field.length)}`, e.expected, e.got);
    }
    throw e;
  }
}

function readAlignment(path: string, metadata: Map<string, GgufValue>): number {
  const v = metadata.get('general.alignment');
  if (v === undefined) return GGUF_DEFAULT_ALIGNMENT;
  // gguf.cpp reads it with gguf_get_val_u32 and requires a power of two.
  if (v.type !== 'u32' || v.value === 0 || (v.value & (v.value - 1)) !== 0) {
    throw new FileFormatError(path, 'general.alignment', 'a u32 power of two', describe(v));
  }
  return v.value;
}

export const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;

function tensorInfo(path: string, fileSize: number, dataOffset: number, alignment: number, t: { name: string; ne: number[]; ggmlType: number; rel: bigint }): GgufTensorInfo {
  const field = `tensor "${t.name}"`;
  const type = ggmlType(t.ggmlType);
  if (!type) throw new FileFormatError(path, `${field} type`, 'a ggml type id known to llama.cpp', String(t.ggmlType));
  // Multiply dimensions while the count stays below what the file could hold (≤ 8 elements per byte for
  // every ggml type), so a product of huge dimensions never overflows into a plausible number.
  const maxElements = 8 * fileSize;
  let nElements = t.ne.includes(0) ? 0 : 1;
  for (const n of t.ne) {
    if (nElements === 0) break;
    nElements *= n;
    if (nElements > maxElements) throw new FileFormatError(path, `${field} shape`, `at most ${maxElements} elements (file size)`, `[${[...t.ne].reverse().join(', ')}]`);
  }
  const byteLength = tensorByteLength(type, t.ne[0]!, nElements);
  if (typeof byteLength === 'string') throw new FileFormatError(path, `${field} ne[0]`, byteLength, String(t.ne[0]));
  if (t.rel % BigInt(alignment) !== 0n) throw new FileFormatError(path, `${field} offset`, `a multiple of the alignment ${alignment}`, String(t.rel));
  const end = BigInt(dataOffset) + t.rel + BigInt(byteLength);
  if (end > BigInt(fileSize)) {
    throw new FileFormatError(path, `${field} data`, `${byteLength} bytes at data offset ${t.rel} within the file (${fileSize} bytes)`, `end at ${end} (file truncated?)`);
  }
  return { name: t.name, shape: [...t.ne].reverse(), ggmlType: t.ggmlType, offset: dataOffset + Number(t.rel), byteLength };
}

function checkNoOverlap(path: string, tensors: GgufTensorInfo[]): void {
  const sorted = [...tensors].sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (prev.offset + prev.byteLength > cur.offset) {
      throw new FileFormatError(path, `tensor "${cur.name}" offset`, `at or after ${prev.offset + prev.byteLength} (end of "${prev.name}")`, String(cur.offset));
    }
  }
}
