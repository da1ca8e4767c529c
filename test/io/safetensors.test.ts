import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSafetensors, readSafetensorsBytes } from '../../src/io/safetensors/read.js';
import { writeSafetensors } from '../../src/io/safetensors/write.js';
import { assertFormatError, scratchDir } from './helpers.js';

const dir = scratchDir('safetensors');

/** A safetensors file from a header object and a data section (independent of the writer under test). */
function file(name: string, header: unknown, data: Uint8Array | number, pad = true): string {
  let json = Buffer.from(JSON.stringify(header));
  if (pad) json = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, 0x20)]);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  const p = join(dir, name);
  writeFileSync(p, Buffer.concat([len, json, typeof data === 'number' ? Buffer.alloc(data) : data]));
  return p;
}

test('reads a hand-made file: metadata, dtypes, shapes, absolute offsets, bytes', () => {
  const data = Uint8Array.from({ length: 8 + 4 }, (_, i) => i);
  const p = file('hand.safetensors', {
    __metadata__: { format: 'pt' },
    b: { dtype: 'BF16', shape: [2], data_offsets: [8, 12] },
    a: { dtype: 'F32', shape: [1, 2], data_offsets: [0, 8] },
  }, data);
  const f = readSafetensors(p);
  assert.deepEqual(f.metadata, { format: 'pt' });
  const headerEnd = 8 + readFileSync(p).readUInt32LE(0);
  assert.deepEqual(f.tensors.map((t) => [t.name, t.dtype, t.shape, t.offset - headerEnd, t.byteLength]), [['b', 'BF16', [2], 8, 4], ['a', 'F32', [1, 2], 0, 8]]);
  assert.deepEqual(Array.from(readSafetensorsBytes(f, f.tensors[0]!)), [8, 9, 10, 11]);
});

test('the writer produces the reference layout: u64 length, space-padded JSON, data in header order', () => {
  const p = join(dir, 'w.safetensors');
  writeSafetensors(p, [
    { name: 'x', dtype: 'F16', shape: [3], data: new Uint8Array([1, 2, 3, 4, 5, 6]) },
    { name: 'y', dtype: 'F32', shape: [], data: () => new Uint8Array([7, 8, 9, 10]) },
  ]);
  const bytes = readFileSync(p);
  const n = Number(bytes.readBigUInt64LE(0));
  assert.equal(n % 8, 0);
  const json = '{"__metadata__":{"format":"pt"},"x":{"dtype":"F16","shape":[3],"data_offsets":[0,6]},"y":{"dtype":"F32","shape":[],"data_offsets":[6,10]}}';
  assert.equal(bytes.subarray(8, 8 + n).toString(), json.padEnd(n, ' '));
  assert.deepEqual(Array.from(bytes.subarray(8 + n)), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.deepEqual(readSafetensors(p).tensors.map((t) => t.name), ['x', 'y']);
});

test('hostile headers and layouts get a FileFormatError naming the field', () => {
  const ok = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  const cases: [string, () => string, RegExp][] = [
    ['short file', () => { const p = join(dir, 'short.st'); writeFileSync(p, Buffer.alloc(5)); return p; }, /^header length$/],
    ['header length 2^60', () => { const p = join(dir, 'huge.st'); const b = Buffer.alloc(64); b.writeBigUInt64LE(2n ** 60n); writeFileSync(p, b); return p; }, /^header length$/],
    ['header longer than file', () => { const p = join(dir, 'long.st'); const b = Buffer.alloc(64); b.writeBigUInt64LE(100n); writeFileSync(p, b); return p; }, /^header length$/],
    ['not JSON', () => file('nj.st', 'x', 0), /^header$/],
    ['array header', () => file('arr.st', [1], 0), /^header$/],
    ['deep JSON', () => { const p = join(dir, 'deep.st'); const j = Buffer.from(`{"a":${'['.repeat(50)}${']'.repeat(50)}}`); const l = Buffer.alloc(8); l.writeBigUInt64LE(BigInt(j.length)); writeFileSync(p, Buffer.concat([l, j])); return p; }, /^header$/],
    ['bad UTF-8', () => { const p = join(dir, 'utf.st'); const j = Buffer.from([0x7b, 0xff, 0x7d]); const l = Buffer.alloc(8); l.writeBigUInt64LE(3n); writeFileSync(p, Buffer.concat([l, j])); return p; }, /^header$/],
    ['unknown dtype', () => file('dt.st', { a: { dtype: 'F128', shape: [1], data_offsets: [0, 16] } }, 16), /^tensor "a" dtype$/],
    ['negative shape', () => file('sh.st', { a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, 4), /^tensor "a" shape$/],
    ['end before begin', () => file('off.st', { a: { dtype: 'F32', shape: [0], data_offsets: [4, 0] } }, 4), /^tensor "a" data_offsets$/],
    ['size ≠ dtype × shape', () => file('sz.st', { a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, 8), /^tensor "a" data_offsets$/],
    ['huge shape', () => file('hs.st', { a: { dtype: 'F32', shape: [2 ** 40, 2 ** 40], data_offsets: [0, 8] } }, 8), /^tensor "a" data_offsets$/],
    ['gap', () => file('gap.st', { a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, 8), /^tensor "a" data_offsets$/],
    ['overlap', () => file('ov.st', { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, 8), /^tensor "b" data_offsets$/],
    ['data past the tensors', () => file('tail.st', ok, 12), /^data$/],
    ['truncated data', () => file('trunc.st', ok, 4), /^data$/],
    ['metadata not strings', () => file('md.st', { __metadata__: { format: 1 }, ...ok }, 8), /^__metadata__$/],
    ['tensor not an object', () => file('obj.st', { a: 3 }, 0), /^tensor "a"$/],
  ];
  for (const [what, make, field] of cases) {
    const p = make();
    assertFormatError(() => readSafetensors(p), p, field);
    void what;
  }
});
