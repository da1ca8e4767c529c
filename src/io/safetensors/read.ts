// safetensors reader (huggingface/safetensors format: u64-LE header length N, N bytes of JSON
// {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}}, then the data; recipe §2).
// Validation follows the reference Rust crate (`SafeTensors::read_metadata` / `validate`): the header is at
// most 100 MB and starts with '{', offsets are relative to the data section, sorted they tile it exactly
// (no gap, no overlap, nothing after the last tensor), and each byte range matches dtype × shape. Only
// the header is read here; tensor bytes are read by range.
import { closeSync, fstatSync, openSync } from 'node:fs';
import { FileFormatError } from '../../util/errors.js';
import { readFully } from '../file-cursor.js';
import { ST_DTYPE_BYTES } from './dtypes.js';

/** safetensors' MAX_HEADER_SIZE. */
export const MAX_HEADER_BYTES = 100_000_000;
/** A tensor header needs depth 3 ({name: {shape: [..]}}); anything deeper is not a safetensors header. */
const MAX_JSON_DEPTH = 8;

export interface SafetensorsTensor {
  name: string;
  dtype: string;
  shape: number[];
  /** Absolute file offset. */
  offset: number;
  byteLength: number;
}

export interface SafetensorsFile {
  path: string;
  metadata: Record<string, string>;
  tensors: SafetensorsTensor[];
}

export function readSafetensors(path: string): SafetensorsFile {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size < 8) throw new FileFormatError(path, 'header length', '8 bytes (u64) at the start of a safetensors file', `a file of ${size} bytes`);
    const lenBytes = new Uint8Array(8);
    readFully(fd, lenBytes, 0, path, 'header length');
    const n = Buffer.from(lenBytes).readBigUInt64LE(0);
    if (n > BigInt(Math.min(MAX_HEADER_BYTES, size - 8))) {
      throw new FileFormatError(path, 'header length', `at most ${Math.min(MAX_HEADER_BYTES, size - 8)} bytes (100 MB cap and file size)`, String(n));
    }
    const header = new Uint8Array(Number(n));
    readFully(fd, header, 8, path, 'header');
    return parseHeader(path, header, size - 8 - Number(n), 8 + Number(n));
  } finally {
    closeSync(fd);
  }
}

export function readSafetensorsBytes(f: SafetensorsFile, t: SafetensorsTensor): Uint8Array {
  const fd = openSync(f.path, 'r');
  try {
    const out = new Uint8Array(t.byteLength);
    readFully(fd, out, t.offset, f.path, `tensor "${t.name}" data`);
    return out;
  } finally {
    closeSync(fd);
  }
}

function parseHeader(path: string, bytes: Uint8Array, dataLength: number, dataOffset: number): SafetensorsFile {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new FileFormatError(path, 'header', 'UTF-8 JSON', 'invalid UTF-8');
  }
  if (!text.startsWith('{')) throw new FileFormatError(path, 'header', 'a JSON object starting with "{"', JSON.stringify(text.slice(0, 16)));
  checkDepth(path, text);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new FileFormatError(path, 'header', 'valid JSON', (e as Error).message);
  }
  const obj = json as Record<string, unknown>;
  let metadata: Record<string, string> = {};
  const tensors: SafetensorsTensor[] = [];
  for (const [name, info] of Object.entries(obj)) {
    if (name === '__metadata__') {
      metadata = stringMap(path, info);
      continue;
    }
    tensors.push(tensorInfo(path, name, info, dataOffset));
  }
  const sorted = [...tensors].sort((a, b) => a.offset - b.offset || a.byteLength - b.byteLength);
  let expected = dataOffset;
  for (const t of sorted) {
    if (t.offset !== expected) {
      throw new FileFormatError(path, `tensor "${t.name}" data_offsets`, `to start at ${expected - dataOffset} (tensors tile the data section)`, String(t.offset - dataOffset));
    }
    expected = t.offset + t.byteLength;
  }
  if (expected - dataOffset !== dataLength) {
    throw new FileFormatError(path, 'data', `${expected - dataOffset} bytes after the header (what the tensors cover)`, `${dataLength} bytes`);
  }
  return { path, metadata, tensors };
}

/** Max nesting of [] and {} outside strings, checked before JSON.parse so a hostile header cannot recurse deep. */
function checkDepth(path: string, text: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_JSON_DEPTH) throw new FileFormatError(path, 'header', `JSON nested at most ${MAX_JSON_DEPTH} deep`, `depth ${depth} at byte ${i}`);
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
}

function stringMap(path: string, v: unknown): Record<string, string> {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || !Object.values(v).every((s) => typeof s === 'string')) {
    throw new FileFormatError(path, '__metadata__', 'an object of strings', JSON.stringify(v).slice(0, 60));
  }
  return v as Record<string, string>;
}

const isIndex = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

function tensorInfo(path: string, name: string, info: unknown, dataOffset: number): SafetensorsTensor {
  const field = `tensor "${name}"`;
  if (typeof info !== 'object' || info === null || Array.isArray(info)) throw new FileFormatError(path, field, 'an object {dtype, shape, data_offsets}', JSON.stringify(info)?.slice(0, 60));
  const { dtype, shape, data_offsets: offsets } = info as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  const size = typeof dtype === 'string' ? ST_DTYPE_BYTES[dtype] : undefined;
  if (size === undefined) throw new FileFormatError(path, `${field} dtype`, `one of ${Object.keys(ST_DTYPE_BYTES).join(', ')}`, JSON.stringify(dtype));
  if (!Array.isArray(shape) || !shape.every(isIndex)) throw new FileFormatError(path, `${field} shape`, 'an array of non-negative integers', JSON.stringify(shape));
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex) || offsets[1] < offsets[0]) {
    throw new FileFormatError(path, `${field} data_offsets`, '[begin, end] with 0 ≤ begin ≤ end', JSON.stringify(offsets));
  }
  // Element count, stopping as soon as it exceeds the range (no overflow into a plausible number).
  const byteLength = offsets[1] - offsets[0];
  let bytes = size;
  for (const d of shape) {
    bytes *= d;
    if (bytes > byteLength) break;
  }
  if (bytes !== byteLength) throw new FileFormatError(path, `${field} data_offsets`, `a range of ${dtype} × [${shape.join(', ')}] bytes`, `${byteLength} bytes`);
  return { name, dtype: dtype as string, shape, offset: dataOffset + offsets[0], byteLength };
}
