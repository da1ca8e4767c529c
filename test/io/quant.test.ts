import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  bf16BytesToF32, bf16ToF32, f16BitsToF32, f16BytesToF32, f32BitsToF16, F16_TO_F32_BITS, f32BitsToBf16, f32ToBf16, f32ToF16, f32ToF16Bytes, F16_TABLE,
} from '../../src/io/quant/f16.js';
import { CODECS, dequantize, quantize, SUPPORTED_TYPES } from '../../src/io/quant/codec.js';
import { GGML } from '../../src/io/quant/types.js';
import { ConfigError, NonFiniteError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';
import { cosData, quantInputs } from './quant-inputs.js';
import { fixtureDir } from './helpers.js';

const FIX = `${fixtureDir('io/quant-ref')}/`;
const bits = (x: number) => new Uint32Array(new Float32Array([x]).buffer)[0]!;
const fromBits = (b: number) => new Float32Array(new Uint32Array([b]).buffer)[0]!;

// --- f16 / bf16 ---

test('f16 → f32 of hand-checked patterns', () => {
  const cases: [number, number][] = [
    [0x0000, 0], [0x3c00, 1], [0xc000, -2], [0x3555, 0.333251953125], [0x7bff, 65504],
    [0x0001, 2 ** -24], [0x03ff, 1023 * 2 ** -24], [0x0400, 2 ** -14], [0x7c00, Infinity], [0xfc00, -Infinity],
  ];
  for (const [h, v] of cases) assert.equal(f16BitsToF32(h), v, h.toString(16));
  assert.ok(Object.is(f16BitsToF32(0x8000), -0));
  assert.ok(Number.isNaN(f16BitsToF32(0x7e00)) && Number.isNaN(f16BitsToF32(0xfc01)));
});

test('f16: all 65536 patterns round-trip through f32 bits (NaNs stay NaN with their sign, quiet)', () => {
  for (let h = 0; h < 65536; h++) {
    const back = f32BitsToF16(F16_TO_F32_BITS[h]!);
    const isNaN = (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
    if (isNaN) assert.equal(back, (h & 0x8000) | 0x7e00, h.toString(16));
    else assert.equal(back, h, h.toString(16));
    if (!isNaN) assert.equal(F16_TABLE[h], f16BitsToF32(h));
  }
  // Through byte arrays, NaN bit patterns pass unchanged: f16 0xfe01 → f32 0xffc02000.
  assert.equal(new Uint32Array(f16BytesToF32(new Uint8Array([0x01, 0xfe])).buffer)[0], 0xffc02000);
});

test('f32 → f16 rounds to nearest even, with subnormals, overflow and NaN', () => {
  const cases: [number, number][] = [
    [1 + 2 ** -11, 0x3c00], // tie between 1 and 1+2^-10 → even (1)
    [1 + 3 * 2 ** -11, 0x3c02], // tie → even (1 + 2^-9)
    [1 + 2 ** -11 + 2 ** -20, 0x3c01], // just above the tie → up
    [65504, 0x7bff], [65519.99, 0x7bff], [65520, 0x7c00], [1e9, 0x7c00], [-1e9, 0xfc00],
    [2 ** -25, 0x0000], // half the smallest subnormal: tie → even (0)
    [3 * 2 ** -25, 0x0002], // tie between 1 and 2 units → even (2)
    [2 ** -25 * 1.0001, 0x0001],
    [2 ** -14 - 2 ** -25, 0x0400], // rounds up into the smallest normal
    [-0, 0x8000], [1e-10, 0], [Infinity, 0x7c00], [-Infinity, 0xfc00],
  ];
  for (const [x, h] of cases) assert.equal(f32ToF16(x), h, `${x}`);
  assert.equal(f32ToF16(NaN), 0x7e00);
  assert.equal(f32ToF16(fromBits(0xff800001)), 0xfe00);
});

test('f32 → f16 picks the nearest f16 for random values (oracle: the f16 table)', () => {
  const rng = new Rng(1);
  for (let i = 0; i < 20000; i++) {
    const x = Math.fround(rng.normal() * 2 ** (rng.int(40) - 25));
    const h = f32ToF16(x);
    const err = Math.abs(F16_TABLE[h]! - x);
    // Neighbours one unit below and above (same sign) are never closer.
    for (const n of [h - 1, h + 1]) if ((n & 0x7fff) < 0x7c00 && (n & 0x8000) === (h & 0x8000)) assert.ok(Math.abs(F16_TABLE[n]! - x) >= err, `${x}`);
  }
});

test('bf16 is GGML_FP32_TO_BF16: RNE on the top 16 bits, NaN quiet, exact round trip of all bf16 values', () => {
  assert.equal(f32BitsToBf16(0x3f808000), 0x3f80); // tie → even
  assert.equal(f32BitsToBf16(0x3f818000), 0x3f82); // tie → even (up)
  assert.equal(f32BitsToBf16(0x3f808001), 0x3f81);
  assert.equal(f32BitsToBf16(0x7f800001), 0x7fc0); // signalling NaN → quiet
  assert.equal(f32BitsToBf16(0x7f7fffff), 0x7f80); // max f32 rounds to inf, as ggml does
  assert.equal(f32BitsToBf16(0x00010000), 0x0001); // subnormals are kept, not flushed
  assert.equal(f32ToBf16(1), 0x3f80);
  for (let h = 0; h < 65536; h++) {
    const x = bf16ToF32(h);
    if (Number.isNaN(x)) assert.equal(f32ToBf16(x), h | 0x40);
    else assert.equal(f32ToBf16(x), h);
  }
});

test('16-bit arrays convert from unaligned byte views too', () => {
  const x = new Float32Array([1, -2, 0.5, 65504]);
  const buf = new Uint8Array(9);
  buf.set(f32ToF16Bytes(x), 1);
  assert.deepEqual(Array.from(f16BytesToF32(buf.subarray(1))), [1, -2, 0.5, 65504]);
  assert.deepEqual(Array.from(bf16BytesToF32(new Uint8Array([0x80, 0x3f, 0x00, 0xc0]))), [1, -2]);
  assert.equal(bits(bf16ToF32(0x3f80)), 0x3f800000);
});

// --- block formats: byte-exact against llama.cpp's C reference (fixtures/io/quant-ref/README.md) ---

const input = new Float32Array(readFileSync(`${FIX}input.f32`).buffer.slice(0));

test('the reference input is quantInputs() (so the fixture can be regenerated)', () => {
  assert.deepEqual(quantInputs(), input);
});

for (const [name, file] of [['Q8_0', 'q8_0'], ['Q4_0', 'q4_0'], ['Q4_K', 'q4_k'], ['Q6_K', 'q6_k']] as const) {
  test(`${name} quantization is byte-identical to llama.cpp quantize_row_${file}_ref`, () => {
    const want = new Uint8Array(readFileSync(`${FIX}${file}.bin`));
    const got = quantize(GGML[name].id, input);
    assert.equal(got.length, want.length);
    const bad = got.findIndex((b, i) => b !== want[i]);
    assert.equal(bad, -1, `first differing byte ${bad} (block ${Math.floor(bad / GGML[name].bytes)})`);
  });
}

// --- hand-worked blocks (recipe §2 formulas) ---

test('Q8_0 hand-worked block: d = amax/127, roundf halves away from zero', () => {
  const x = new Float32Array(32);
  x[0] = 127; // amax 127 → d = 1 exactly, id = 1
  x[1] = 2.5; x[2] = -2.5; x[3] = 0.5; x[4] = -0.5; x[5] = 3.49; x[6] = -126.6;
  const q = quantize(GGML.Q8_0.id, x);
  assert.deepEqual(Array.from(q.subarray(0, 2)), [0x00, 0x3c]); // f16 1.0
  assert.deepEqual(Array.from(new Int8Array(q.buffer, 2, 7)), [127, 3, -3, 1, -1, 3, -127]);
  assert.deepEqual(Array.from(dequantize(GGML.Q8_0.id, q, 32).subarray(0, 7)), [127, 3, -3, 1, -1, 3, -127]);
});

test('Q8_0 hand-worked scale: x = j − 16 gives d = 16/127, stored as f16 0x3008', () => {
  const x = Float32Array.from({ length: 32 }, (_, j) => j - 16);
  const q = quantize(GGML.Q8_0.id, x);
  assert.equal(q[0]! | (q[1]! << 8), 0x3008); // 0.1259842… → 2^-3·(1 + 8/1024)
  const qs = new Int8Array(q.buffer, 2, 32);
  // x·127/16: −16 → −127, −15 → −119.06 → −119, 1 → 7.94 → 8, 2 → 15.88 → 16, 15 → 119.06 → 119
  assert.deepEqual([qs[0], qs[1], qs[17], qs[18], qs[31]], [-127, -119, 8, 16, 119]);
  assert.equal(dequantize(GGML.Q8_0.id, q, 32)[0], -127 * 0.1259765625);
});

test('Q4_0 hand-worked block: d = m/−8 keeps the sign of the largest value; nibbles j and j+16', () => {
  const x = new Float32Array(32);
  x[0] = -8; x[1] = 7; x[2] = 7.4; x[3] = 0.4; x[4] = -0.5; x[5] = -0.51; x[16] = 3; x[17] = -7.6;
  const q = quantize(GGML.Q4_0.id, x);
  assert.deepEqual(Array.from(q.subarray(0, 2)), [0x00, 0x3c]); // d = −8/−8 = 1
  // q = min(15, trunc(x + 8.5)): −8 → 0, 7 → 15, 7.4 → 15, 0.4 → 8, −0.5 → 8, −0.51 → 7, 0 → 8
  const lo = Array.from(q.subarray(2, 18), (b) => b & 15);
  const hi = Array.from(q.subarray(2, 18), (b) => b >> 4);
  assert.deepEqual(lo.slice(0, 7), [0, 15, 15, 8, 8, 7, 8]);
  assert.deepEqual(hi.slice(0, 3), [11, 0, 8]); // x[16] = 3 → 11; x[17] = −7.6 → trunc(0.9) = 0
  assert.deepEqual(Array.from(dequantize(GGML.Q4_0.id, q, 32).subarray(0, 6)), [-8, 7, 7, 0, 0, -1]);

  // With a positive maximum d is negative, and −max cannot be represented: it clips to q = 15 (−7·d).
  const y = new Float32Array(32);
  y[0] = 8; y[1] = -8;
  const deq = dequantize(GGML.Q4_0.id, quantize(GGML.Q4_0.id, y), 32);
  assert.deepEqual([deq[0], deq[1]], [8, -7]);
});

test('Q4_K dequantization of a hand-built block (6-bit scales and mins, nibble chunks)', () => {
  const b = new Uint8Array(144);
  b.set([0x00, 0x3c, 0x00, 0x38], 0); // d = 1, dmin = 0.5
  const sc = b.subarray(4, 16);
  sc[0] = 0x43; // S0 = 3; its top bits (1) become bits 4-5 of S4
  sc[4] = 0x82; // M0 = 2; its top bits (2) become bits 4-5 of M4
  sc[8] = 0x51; // S4 = 1 | 1<<4 = 17, M4 = 5 | 2<<4 = 37
  const qs = b.subarray(16);
  qs[0] = 0xa7; // element 0: sub-block 0, q 7; element 32: sub-block 1, q 10
  qs[64 + 5] = 0x3c; // chunk 2: element 133 (sub-block 4, q 12), element 165 (sub-block 5, q 3)
  const y = dequantize(GGML.Q4_K.id, b, 256);
  assert.equal(y[0], 1 * 3 * 7 - 0.5 * 2); // 20
  assert.equal(y[1], -1); // q 0 in sub-block 0: −dmin·M0
  assert.equal(y[32], 0); // sub-block 1 has S = M = 0
  assert.equal(y[133], 1 * 17 * 12 - 0.5 * 37); // 185.5
  assert.equal(y[128], -18.5);
  assert.equal(y[165], 0);
  assert.equal(y[255], 0);
});

test('Q6_K dequantization of a hand-built block (ql/qh split, int8 scales, d last)', () => {
  const b = new Uint8Array(210);
  b.set([0x00, 0x38], 208); // d = 0.5
  const sc = new Int8Array(b.buffer, 192, 16);
  sc[0] = 2; sc[2] = -3; sc[4] = 1; sc[6] = 4; sc[9] = -128;
  b[0] = 0x5f; // ql[0]: low 15 → value 0, high 5 → value 64
  b[32] = 0x80; // ql[32]: low 0 → value 32, high 8 → value 96
  b[128] = 0xe7; // qh[0] = 11 10 01 11: high bits 3 (value 0), 1 (32), 2 (64), 3 (96)
  b[64 + 20] = 0x01; // second half, l = 20: value 148, scale sc[8 + 1]
  const y = dequantize(GGML.Q6_K.id, b, 256);
  assert.equal(y[0], 0.5 * 2 * (15 + 48 - 32)); // 31
  assert.equal(y[32], 0.5 * -3 * (0 + 16 - 32)); // 24
  assert.equal(y[64], 0.5 * 1 * (5 + 32 - 32)); // 2.5
  assert.equal(y[96], 0.5 * 4 * (8 + 48 - 32)); // 48
  assert.equal(y[148], 0.5 * -128 * (1 - 32)); // 1984
  assert.equal(y[1], 0.5 * 2 * -32); // ql = qh = 0 → q − 32 = −32
  assert.equal(y[16], -0); // scale sc[1] = 0: (0.5·0)·(−32) is −0 in IEEE arithmetic, as in C
});

// --- error bounds ---

const rmse = (a: Float32Array, b: Float32Array) => Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0) / a.length);

test('total quantization error on test-quantize-fns data is below llama.cpp MAX_QUANTIZATION_TOTAL_ERROR', () => {
  const x = cosData(32 * 128);
  for (const name of ['Q8_0', 'Q4_0', 'Q4_K', 'Q6_K', 'F16', 'BF16'] as const) {
    const y = dequantize(GGML[name].id, quantize(GGML[name].id, x), x.length);
    // array_rmse there is sqrt(Σ diff²)/n.
    const err = Math.sqrt(x.reduce((s, v, i) => s + (v - y[i]!) ** 2, 0)) / x.length;
    assert.ok(err < 0.002, `${name}: ${err}`);
  }
});

test('error on Gaussian data: within half a step per element, and ordered Q8_0 < Q6_K < Q4_K < Q4_0', () => {
  const rng = new Rng(5);
  const x = Float32Array.from({ length: 256 * 32 }, () => rng.normal());
  const err: Record<string, number> = {};
  for (const name of ['Q8_0', 'Q6_K', 'Q4_K', 'Q4_0'] as const) err[name] = rmse(x, dequantize(GGML[name].id, quantize(GGML[name].id, x), x.length));
  assert.ok(err.Q8_0! < err.Q6_K! && err.Q6_K! < err.Q4_K! && err.Q4_K! < err.Q4_0!, JSON.stringify(err));
  // Q8_0: |x − q·d16| ≤ d/2 + 127·|d16 − d| per element, with d = amax/127 of the block.
  const q8 = quantize(GGML.Q8_0.id, x);
  const y = dequantize(GGML.Q8_0.id, q8, x.length);
  for (let b = 0; b < x.length / 32; b++) {
    const block = x.subarray(32 * b, 32 * b + 32);
    const d = Math.fround(block.reduce((m, v) => Math.max(m, Math.abs(v)), 0) / 127);
    const d16 = F16_TABLE[q8[34 * b]! | (q8[34 * b + 1]! << 8)]!;
    for (let j = 0; j < 32; j++) assert.ok(Math.abs(block[j]! - y[32 * b + j]!) <= d / 2 + 127 * Math.abs(d16 - d) + 1e-7);
  }
});

// --- the codec table ---

test('every codec round-trips its own output exactly for float types and refuses bad input', () => {
  assert.deepEqual([...SUPPORTED_TYPES].sort(), ['BF16', 'F16', 'F32', 'Q4_0', 'Q4_K', 'Q6_K', 'Q8_0']);
  for (const name of SUPPORTED_TYPES) assert.ok(CODECS[name]);
  const x = new Float32Array([1.5, -0, Infinity, NaN]);
  const f32 = dequantize(GGML.F32.id, quantize(GGML.F32.id, x), 4);
  assert.ok(Object.is(f32[1], -0) && f32[2] === Infinity && Number.isNaN(f32[3]));
  const f16 = dequantize(GGML.F16.id, quantize(GGML.F16.id, x), 4);
  assert.ok(f16[0] === 1.5 && f16[2] === Infinity && Number.isNaN(f16[3]));
  assert.throws(() => quantize(GGML.Q8_0.id, new Float32Array(32).fill(NaN)), NonFiniteError);
  assert.throws(() => quantize(GGML.Q4_K.id, new Float32Array(32)), ConfigError); // not a whole block
  assert.throws(() => quantize(GGML.Q5_K.id, new Float32Array(256)), /one of F32, F16/);
  assert.throws(() => dequantize(GGML.Q8_0.id, new Uint8Array(33), 32), ConfigError);
});
