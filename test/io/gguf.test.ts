import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  metaF32Array, metaI32Array, metaNumber, metaOptional, metaString, metaStringArray, readGguf, readTensorBytes,
} from '../../src/io/gguf/read.js';
import { writeGguf } from '../../src/io/gguf/write.js';
import type { GgufValue } from '../../src/io/gguf/types.js';
import { GGML } from '../../src/io/quant/types.js';
import { ConfigError } from '../../src/util/errors.js';
import { assertFormatError, scratchDir, VOCAB_DIR } from './helpers.js';

const dir = scratchDir('gguf');

// An independent little-endian encoder (not the writer under test) to build files byte by byte.
const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; };
const u64 = (n: number | bigint) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(n)); return b; };
const str = (s: string) => Buffer.concat([u64(Buffer.byteLength(s)), Buffer.from(s)]);
const GGUF = Buffer.from('GGUF');

function file(name: string, bytes: Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

test('reads the Llama 2 vocab GGUF: the values llama.cpp documents for it', () => {
  const f = readGguf(join(VOCAB_DIR, 'ggml-vocab-llama-spm.gguf'));
  assert.equal(f.version, 3);
  assert.equal(f.alignment, 32);
  assert.equal(f.tensors.length, 0);
  assert.equal(metaString(f, 'general.architecture'), 'llama');
  assert.equal(metaString(f, 'tokenizer.ggml.model'), 'llama');
  const tokens = metaStringArray(f, 'tokenizer.ggml.tokens');
  assert.equal(tokens.length, 32000);
  assert.deepEqual(tokens.slice(0, 4), ['<unk>', '<s>', '</s>', '<0x00>']);
  assert.equal(tokens[258], '<0xFF>');
  assert.equal(tokens[29871], '▁'); // U+2581, decoded from 3 UTF-8 bytes
  const types = metaI32Array(f, 'tokenizer.ggml.token_type');
  const count = (t: number) => types.filter((x) => x === t).length;
  assert.deepEqual([count(1), count(2), count(3), count(6)], [31741, 1, 2, 256]);
  assert.equal(metaF32Array(f, 'tokenizer.ggml.scores').length, 32000);
  assert.equal(metaNumber(f, 'tokenizer.ggml.bos_token_id'), 1);
  assert.equal(metaNumber(f, 'tokenizer.ggml.eos_token_id'), 2);
  assert.equal(metaNumber(f, 'llama.attention.layer_norm_rms_epsilon'), Math.fround(1e-5));
  assert.equal(metaOptional(f, 'llama.rope.freq_base', metaNumber), undefined);
  assert.deepEqual(f.metadata.get('tokenizer.ggml.add_bos_token'), { type: 'bool', value: true });
});

const bpe = join(VOCAB_DIR, 'ggml-vocab-llama-bpe.gguf');
test('reads the Llama 3 vocab GGUF (128,256 tokens, 280,147 merges) quickly', { skip: !existsSync(bpe) && 'fixture not present' }, () => {
  const t0 = performance.now();
  const f = readGguf(bpe);
  const ms = performance.now() - t0;
  const tokens = metaStringArray(f, 'tokenizer.ggml.tokens');
  const merges = metaStringArray(f, 'tokenizer.ggml.merges');
  assert.equal(tokens.length, 128256);
  assert.equal(merges.length, 280147);
  assert.equal(merges[0], 'Ġ Ġ');
  assert.equal(tokens[128000], '<|begin_of_text|>');
  assert.equal(tokens[128009], '<|eot_id|>');
  assert.equal(metaString(f, 'tokenizer.ggml.pre'), 'llama-bpe');
  assert.equal(metaNumber(f, 'llama.rope.freq_base'), 500000);
  const types = metaI32Array(f, 'tokenizer.ggml.token_type');
  assert.ok(types.subarray(0, 128000).every((t) => t === 1) && types.subarray(128000).every((t) => t === 3));
  // Generous bound (a loaded 2-core CI machine); ~100 ms when idle.
  assert.ok(ms < 3000, `readGguf took ${ms.toFixed(0)} ms`);
});

test('reads a hand-assembled file: layout, ne reversal, absolute offsets', () => {
  const header = Buffer.concat([
    GGUF, u32(3), u64(2), u64(1),
    str('general.architecture'), u32(8), str('llama'),
    // tensor "a": F32 [2, 3] → ne = [3, 2], data offset 0
    str('a'), u32(2), u64(3), u64(2), u32(0), u64(0),
    // tensor "b": F16 [4], data offset 32 (24 bytes of "a" padded to 32)
    str('b'), u32(1), u64(4), u32(1), u64(32),
  ]);
  const dataOffset = Math.ceil(header.length / 32) * 32;
  const a = Buffer.from(new Float32Array([1, 2, 3, 4, 5, 6]).buffer);
  const b = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]);
  const bytes = Buffer.concat([header, Buffer.alloc(dataOffset - header.length), a, Buffer.alloc(8), b]);
  const f = readGguf(file('hand.gguf', bytes));
  assert.equal(f.dataOffset, dataOffset);
  assert.deepEqual(f.tensors.map((t) => [t.name, t.shape, t.ggmlType, t.offset, t.byteLength]), [
    ['a', [2, 3], 0, dataOffset, 24],
    ['b', [4], 1, dataOffset + 32, 8],
  ]);
  assert.deepEqual(Array.from(new Float32Array(readTensorBytes(f, f.tensors[0]!).buffer)), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(Array.from(readTensorBytes(f, f.tensors[1]!)), Array.from(b));
});

test('the writer produces exactly the bytes of the hand-assembled layout', () => {
  const p = join(dir, 'w.gguf');
  writeGguf(p, [['k', { type: 'u8', value: 7 }]], [{ name: 't', shape: [1, 2], ggmlType: 0, data: new Uint8Array(8).fill(9) }]);
  const header = Buffer.concat([GGUF, u32(3), u64(1), u64(1), str('k'), u32(0), Buffer.from([7]), str('t'), u32(2), u64(2), u64(1), u32(0), u64(0)]);
  assert.equal(header.length, 79);
  const expected = Buffer.concat([header, Buffer.alloc(96 - 79), Buffer.alloc(8, 9), Buffer.alloc(24)]);
  assert.deepEqual(readFileSync(p), expected);
});

const ALL_VALUES: [string, GgufValue][] = [
  ['u8', { type: 'u8', value: 255 }],
  ['i8', { type: 'i8', value: -128 }],
  ['u16', { type: 'u16', value: 65535 }],
  ['i16', { type: 'i16', value: -32768 }],
  ['u32', { type: 'u32', value: 4294967295 }],
  ['i32', { type: 'i32', value: -2147483648 }],
  ['f32', { type: 'f32', value: Math.fround(-3.14159) }],
  ['f64', { type: 'f64', value: Math.PI }],
  ['u64', { type: 'u64', value: 18446744073709551615n }],
  ['i64', { type: 'i64', value: -9223372036854775808n }],
  ['bool', { type: 'bool', value: false }],
  ['string', { type: 'string', value: 'héllo ▁ 🦙' }],
  ['empty string', { type: 'string', value: '' }],
  ['a.u8', { type: 'array', itemType: 'u8', value: new Uint8Array([0, 1, 255]) }],
  ['a.i8', { type: 'array', itemType: 'i8', value: new Int8Array([-128, 0, 127]) }],
  ['a.u16', { type: 'array', itemType: 'u16', value: new Uint16Array([0, 65535]) }],
  ['a.i16', { type: 'array', itemType: 'i16', value: new Int16Array([-32768, 32767]) }],
  ['a.u32', { type: 'array', itemType: 'u32', value: new Uint32Array([0, 4294967295]) }],
  ['a.i32', { type: 'array', itemType: 'i32', value: new Int32Array([-5, 2147483647]) }],
  ['a.f32', { type: 'array', itemType: 'f32', value: new Float32Array([0.5, -0, Infinity, NaN]) }],
  ['a.f64', { type: 'array', itemType: 'f64', value: new Float64Array([1e-300, -2.5]) }],
  ['a.u64', { type: 'array', itemType: 'u64', value: new BigUint64Array([0n, 2n ** 64n - 1n]) }],
  ['a.i64', { type: 'array', itemType: 'i64', value: new BigInt64Array([-(2n ** 63n), 1n]) }],
  ['a.bool', { type: 'array', itemType: 'bool', value: [true, false, true] }],
  ['a.string', { type: 'array', itemType: 'string', value: ['a', '', 'Ġ Ġ', '<0x0A>'] }],
  ['a.empty', { type: 'array', itemType: 'f32', value: new Float32Array(0) }],
  ['a.nested', { type: 'array', itemType: 'array', value: [
    { type: 'array', itemType: 'i32', value: new Int32Array([1, 2]) },
    { type: 'array', itemType: 'string', value: ['x'] },
    { type: 'array', itemType: 'array', value: [{ type: 'array', itemType: 'bool', value: [true] }] },
  ] }],
];

for (const alignment of [32, 1, 64, 4096]) {
  test(`round trip of every value type and of tensor bytes, alignment ${alignment}`, () => {
    const p = join(dir, `all-${alignment}.gguf`);
    const tensors = [
      { name: 'f32', shape: [3, 5], ggmlType: GGML.F32.id, data: new Uint8Array(60).map((_, i) => i) },
      { name: 'q8', shape: [2, 64], ggmlType: GGML.Q8_0.id, data: new Uint8Array(4 * 34).map((_, i) => 255 - i) },
      { name: 'one', shape: [1], ggmlType: GGML.BF16.id, data: () => new Uint8Array([0x80, 0x3f]) },
    ];
    writeGguf(p, ALL_VALUES, tensors, alignment);
    const f = readGguf(p);
    assert.equal(f.alignment, alignment);
    assert.equal(f.metadata.has('general.alignment'), alignment !== 32);
    for (const [k, v] of ALL_VALUES) assert.deepEqual(f.metadata.get(k), v, k);
    assert.equal(f.dataOffset % alignment, 0);
    for (const [i, t] of f.tensors.entries()) {
      const want = tensors[i]!;
      assert.equal(t.name, want.name);
      assert.deepEqual(t.shape, want.shape);
      assert.equal((t.offset - f.dataOffset) % alignment, 0);
      const data = typeof want.data === 'function' ? want.data() : want.data;
      assert.deepEqual(readTensorBytes(f, t), data);
    }
    if (alignment > 1) assert.equal(statSync(p).size % alignment, 0); // every tensor is padded, the last too
  });
}

test('re-writing what was read reproduces the Llama 2 vocab file byte for byte', () => {
  const src = join(VOCAB_DIR, 'ggml-vocab-llama-spm.gguf');
  const f = readGguf(src);
  const out = join(dir, 'spm-copy.gguf');
  writeGguf(out, [...f.metadata], []);
  // The original ends at its last metadata byte; ours is padded to the alignment (gguf-py pads too).
  const a = readFileSync(src);
  const b = readFileSync(out);
  assert.deepEqual(b.subarray(0, a.length), a);
  assert.ok(b.subarray(a.length).every((x) => x === 0) && b.length - a.length < 32);
});

test('metadata accessors name the file, the key and what was expected', () => {
  const p = join(dir, 'meta.gguf');
  writeGguf(p, [['s', { type: 'string', value: 'x' }], ['big', { type: 'u64', value: 2n ** 60n }], ['small', { type: 'u64', value: 12n }],
    ['tt', { type: 'array', itemType: 'u8', value: new Uint8Array([1, 6]) }]], []);
  const f = readGguf(p);
  assert.equal(metaNumber(f, 'small'), 12);
  assert.deepEqual(Array.from(metaI32Array(f, 'tt')), [1, 6]);
  assertFormatError(() => metaString(f, 'missing'), p, /^missing$/);
  assertFormatError(() => metaNumber(f, 's'), p, /^s$/);
  assertFormatError(() => metaNumber(f, 'big'), p, /^big$/);
  assertFormatError(() => metaStringArray(f, 's'), p, /^s$/);
  assertFormatError(() => metaF32Array(f, 'tt'), p, /^tt$/);
  assert.match(assertFormatError(() => metaString(f, 'missing'), p, /missing/).message, /expected a string, got nothing/);
});

test('the writer refuses what llama.cpp could not read', () => {
  const p = join(dir, 'bad.gguf');
  const t = (over: object) => [{ name: 't', shape: [32], ggmlType: GGML.F32.id, data: new Uint8Array(128), ...over }];
  const cases: [string, () => void][] = [
    ['duplicate key', () => writeGguf(p, [['k', { type: 'u8', value: 1 }], ['k', { type: 'u8', value: 2 }]], [])],
    ['u8 out of range', () => writeGguf(p, [['k', { type: 'u8', value: 256 }]], [])],
    ['i32 not an integer', () => writeGguf(p, [['k', { type: 'i32', value: 1.5 }]], [])],
    ['wrong data length', () => writeGguf(p, [], t({ data: new Uint8Array(127) }))],
    ['row not a multiple of the block', () => writeGguf(p, [], t({ shape: [33], ggmlType: GGML.Q8_0.id, data: new Uint8Array(34) }))],
    ['name too long', () => writeGguf(p, [], t({ name: 'x'.repeat(64) }))],
    ['five dimensions', () => writeGguf(p, [], t({ shape: [1, 1, 1, 1, 32] }))],
    ['unknown ggml type', () => writeGguf(p, [], t({ ggmlType: 4 }))],
    ['alignment not a power of two', () => writeGguf(p, [], [], 48)],
    ['contradicting general.alignment', () => writeGguf(p, [['general.alignment', { type: 'u32', value: 64 }]], [], 32)],
  ];
  for (const [what, fn] of cases) assert.throws(fn, ConfigError, what);
  assert.equal(existsSync(p), false, 'a failed write leaves no file behind');
});

// --- hostile files: each names the file and the field ---

// 79 header bytes, 17 of padding to the data section at 96, then the 32 bytes of F32 tensor "t".
const valid = () => Buffer.concat([
  GGUF, u32(3), u64(1), u64(1), str('k'), u32(8), str('v'),
  str('t'), u32(1), u64(8), u32(0), u64(0), Buffer.alloc(17), Buffer.alloc(32),
]);

test('a valid base file parses (the hostile cases below differ from it in one field)', () => {
  assert.equal(readGguf(file('valid.gguf', valid())).tensors[0]!.byteLength, 32);
});

test('hostile headers get a FileFormatError naming the field', () => {
  const cases: [string, Buffer, RegExp][] = [
    ['bad magic', Buffer.concat([Buffer.from('GGUG'), valid().subarray(4)]), /^magic$/],
    ['empty file', Buffer.alloc(0), /^magic$/],
    ['version 1', Buffer.concat([GGUF, u32(1), valid().subarray(8)]), /^version$/],
    ['big-endian', Buffer.concat([GGUF, Buffer.from([0, 0, 0, 3]), valid().subarray(8)]), /^version$/],
    ['2^60 tensors', Buffer.concat([GGUF, u32(3), u64(2n ** 60n), valid().subarray(16)]), /^tensor count$/],
    ['2^64-1 KVs', Buffer.concat([GGUF, u32(3), u64(1), u64(2n ** 64n - 1n), valid().subarray(24)]), /^metadata count$/],
    ['key length 2^60', Buffer.concat([GGUF, u32(3), u64(0), u64(1), u64(2n ** 60n), Buffer.alloc(64)]), /^metadata #0 key length$/],
    ['string value length 2^60', Buffer.concat([GGUF, u32(3), u64(0), u64(1), str('k'), u32(8), u64(2n ** 60n), Buffer.alloc(64)]), /^metadata "k" length$/],
    ['value type 13', Buffer.concat([GGUF, u32(3), u64(0), u64(1), str('k'), u32(13), Buffer.alloc(8)]), /^metadata "k" type$/],
    ['array of 2^40 u32', Buffer.concat([GGUF, u32(3), u64(0), u64(1), str('k'), u32(9), u32(4), u64(2n ** 40n), Buffer.alloc(64)]), /^metadata "k" length$/],
    ['truncated string array', Buffer.concat([GGUF, u32(3), u64(0), u64(1), str('k'), u32(9), u32(8), u64(2), str('a'), u64(5), Buffer.from('ab')]), /^metadata "k"\[1\]/],
    ['arrays nested 5 deep', Buffer.concat([GGUF, u32(3), u64(0), u64(1), str('k'), u32(9), ...Array(5).fill(Buffer.concat([u32(9), u64(1)])), Buffer.alloc(64)]), /^metadata "k".*item type|^metadata "k"/],
    ['bool 2', Buffer.concat([GGUF, u32(3), u64(0), u64(1), str('k'), u32(7), Buffer.from([2])]), /^metadata "k"$/],
    ['duplicate key', Buffer.concat([GGUF, u32(3), u64(0), u64(2), str('k'), u32(0), Buffer.from([1]), str('k'), u32(0), Buffer.from([1])]), /^metadata "k"$/],
    ['alignment as u8', Buffer.concat([GGUF, u32(3), u64(0), u64(1), str('general.alignment'), u32(0), Buffer.from([32])]), /^general.alignment$/],
    ['alignment 48', Buffer.concat([GGUF, u32(3), u64(0), u64(1), str('general.alignment'), u32(4), u32(48)]), /^general.alignment$/],
  ];
  for (const [what, bytes, field] of cases) {
    const p = file(`hostile-${what.replace(/\W+/g, '-')}.gguf`, bytes);
    const e = assertFormatError(() => readGguf(p), p, field);
    assert.ok(e.message.startsWith(`${p}: `), `${what}: ${e.message}`);
  }
});

test('hostile tensor infos get a FileFormatError naming the tensor', () => {
  const tensorFile = (info: Buffer, dataBytes = 64) => Buffer.concat([GGUF, u32(3), u64(1), u64(0), info, Buffer.alloc(dataBytes)]);
  const cases: [string, Buffer, RegExp][] = [
    ['5 dims', tensorFile(Buffer.concat([str('t'), u32(5), u64(1), u64(1), u64(1), u64(1), u64(1), u32(0), u64(0)])), /^tensor "t" n_dims$/],
    ['0 dims', tensorFile(Buffer.concat([str('t'), u32(0), u32(0), u64(0)])), /^tensor "t" n_dims$/],
    ['ne 2^63', tensorFile(Buffer.concat([str('t'), u32(1), u64(2n ** 63n), u32(0), u64(0)])), /^tensor "t" ne\[0\]$/],
    ['elements beyond the file', tensorFile(Buffer.concat([str('t'), u32(4), u64(2 ** 20), u64(2 ** 20), u64(2 ** 20), u64(2 ** 12), u32(0), u64(0)])), /^tensor "t" shape$/],
    ['unknown ggml type', tensorFile(Buffer.concat([str('t'), u32(1), u64(8), u32(5), u64(0)])), /^tensor "t" type$/],
    ['Q8_0 row of 33', tensorFile(Buffer.concat([str('t'), u32(1), u64(33), u32(8), u64(0)])), /^tensor "t" ne\[0\]$/],
    ['misaligned offset', tensorFile(Buffer.concat([str('t'), u32(1), u64(2), u32(0), u64(4)])), /^tensor "t" offset$/],
    ['data past the end', tensorFile(Buffer.concat([str('t'), u32(1), u64(64), u32(0), u64(0)])), /^tensor "t" data$/],
    ['offset 2^63', tensorFile(Buffer.concat([str('t'), u32(1), u64(2), u32(0), u64(2n ** 63n)])), /^tensor "t" data$/],
    ['overlap', Buffer.concat([GGUF, u32(3), u64(2), u64(0), str('a'), u32(1), u64(16), u32(0), u64(0), str('b'), u32(1), u64(8), u32(0), u64(32), Buffer.alloc(160)]), /^tensor "b" offset$/],
    ['duplicate name', Buffer.concat([GGUF, u32(3), u64(2), u64(0), str('a'), u32(1), u64(8), u32(0), u64(0), str('a'), u32(1), u64(8), u32(0), u64(32), Buffer.alloc(128)]), /^tensor "a"$/],
  ];
  for (const [what, bytes, field] of cases) {
    const p = file(`hostile-t-${what.replace(/\W+/g, '-')}.gguf`, bytes);
    assertFormatError(() => readGguf(p), p, field);
  }
});

test('every truncation of a valid file is a clean FileFormatError', () => {
  const bytes = readFileSync(join(dir, 'all-32.gguf'));
  const p = join(dir, 'trunc.gguf');
  for (let n = 0; n < bytes.length - 1; n++) {
    writeFileSync(p, bytes.subarray(0, n));
    // Cutting only the padding after the last tensor still leaves a complete file; everything else fails.
    try {
      readGguf(p);
    } catch (e) {
      assertFormatError(() => { throw e; }, p, /./);
    }
  }
});
