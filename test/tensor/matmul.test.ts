// Matmul: the TypeScript reference against a hand-computed product, and the native SGEMM/GEMV (every
// instruction set) against the reference — odd sizes, all layouts, accumulate, batches with strides and
// broadcast, decode shapes — plus bit-identical results for 1 and 2 threads and RangeErrors for bad arguments.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import type { MatmulDims } from '../../src/tensor/kernels.js';
import { nativeAddon } from '../../src/tensor/native.js';
import { matmul as refMatmul } from '../../src/tensor/ref/matmul.js';
import { Rng } from '../../src/util/rng.js';
import { checkNative, errorRatio, nativeMatmul, oddShapes, operands } from './matmul-helpers.js';

const native = nativeMatmul();
const skipNative = native ? false : 'native addon not built';

test('reference: 2×3 · 3×2 by hand, in every layout', () => {
  // A = [1 2 3; 4 5 6], B = [7 8; 9 10; 11 12]: A·B = [58 64; 139 154].
  const A = [1, 2, 3, 4, 5, 6], At = [1, 4, 2, 5, 3, 6];
  const B = [7, 8, 9, 10, 11, 12], Bt = [7, 9, 11, 8, 10, 12];
  for (const transA of [false, true])
    for (const transB of [false, true]) {
      const c = new Float64Array(4);
      refMatmul(c, Float64Array.from(transA ? At : A), Float64Array.from(transB ? Bt : B), { M: 2, K: 3, N: 2, transA, transB, accumulate: false });
      assert.deepEqual([...c], [58, 64, 139, 154], `transA=${transA} transB=${transB}`);
    }
  const c = Float64Array.from([1, 1, 1, 1]);
  refMatmul(c, Float64Array.from(A), Float64Array.from(B), { M: 2, K: 3, N: 2, transA: false, transB: false, accumulate: true });
  assert.deepEqual([...c], [59, 65, 140, 155]);
  // A batch of 2 sharing B (stride 0), summed into one C (stride 0) when accumulating.
  const cs = new Float64Array(4);
  refMatmul(cs, Float64Array.from([...A, ...A]), Float64Array.from(B), { M: 2, K: 3, N: 2, transA: false, transB: false, accumulate: true, batch: 2, strideB: 0, strideC: 0 });
  assert.deepEqual([...cs], [116, 128, 278, 308]);
});

test('reference: bad dims and short arrays throw RangeError', () => {
  const d = { M: 2, K: 3, N: 2, transA: false, transB: false, accumulate: false };
  const a = new Float32Array(6), b = new Float32Array(6), c = new Float32Array(4);
  assert.throws(() => refMatmul(c, a.subarray(1), b, d), RangeError);
  assert.throws(() => refMatmul(c.subarray(1), a, b, d), RangeError);
  assert.throws(() => refMatmul(c, a, b, { ...d, M: -1 }), RangeError);
  assert.throws(() => refMatmul(c, a, b, { ...d, K: 2.5 }), RangeError);
  assert.throws(() => refMatmul(c, a, b, { ...d, batch: 2 }), RangeError);
});

test('native vs reference: sizes 1, 3, 17, 63, 257, all layouts, accumulate on/off', { skip: skipNative }, () => {
  const rng = new Rng(1);
  for (const d of oddShapes()) {
    const r = checkNative(native!, rng, d);
    assert.ok(r <= 1, `error ${r.toFixed(2)}× tolerance for ${JSON.stringify(d)}`);
  }
});

test('native vs reference: decode shapes (GEMV path M ≤ 64, and M just above it)', { skip: skipNative }, () => {
  const rng = new Rng(2);
  for (const M of [1, 2, 3, 4, 5, 7, 8, 9, 33, 64, 65])
    for (const [K, N] of [[288, 96], [1001, 67], [15, 1], [16, 3], [4096, 20]] as const)
      for (const accumulate of [false, true]) {
        const d = { M, K, N, transA: false, transB: true, accumulate };
        assert.ok(checkNative(native!, rng, d) <= 1, JSON.stringify(d));
      }
  // M = 1 with A stored [K, 1] is the same vector.
  assert.ok(checkNative(native!, rng, { M: 1, K: 300, N: 50, transA: true, transB: true, accumulate: false }) <= 1);
});

test('native vs reference: batches with strides, padding and broadcast', { skip: skipNative }, () => {
  const rng = new Rng(3);
  const base = { M: 17, K: 40, N: 33 };
  const cases: MatmulDims[] = [
    { ...base, transA: false, transB: true, accumulate: false, batch: 4 },
    { ...base, transA: true, transB: false, accumulate: true, batch: 3, strideA: 17 * 40 + 7, strideB: 40 * 33 + 1, strideC: 17 * 33 + 5 },
    { ...base, transA: false, transB: false, accumulate: false, batch: 5, strideB: 0 }, // one B for all
    { ...base, transA: true, transB: true, accumulate: false, batch: 3, strideA: 0 }, // one A for all
    { ...base, transA: false, transB: false, accumulate: true, batch: 4, strideC: 0 }, // sum of the batch into one C
    { M: 1, K: 64, N: 20, transA: false, transB: true, accumulate: false, batch: 6, strideB: 0 }, // batched GEMV
    { ...base, transA: false, transB: true, accumulate: false, batch: 0 },
    { M: 0, K: 5, N: 7, transA: false, transB: false, accumulate: false },
    { M: 6, K: 0, N: 7, transA: false, transB: false, accumulate: false }, // C = 0
    { M: 6, K: 0, N: 7, transA: true, transB: true, accumulate: true }, // C unchanged
  ];
  for (const d of cases) assert.ok(checkNative(native!, rng, d) <= 1, JSON.stringify(d));
});

test('native: bit-identical results with 1 and 2 threads', { skip: skipNative }, () => {
  const addon = nativeAddon()!;
  const before = addon.info().threads;
  const rng = new Rng(4);
  const cases: MatmulDims[] = [
    { M: 257, K: 700, N: 190, transA: false, transB: true, accumulate: false },
    { M: 130, K: 901, N: 257, transA: false, transB: false, accumulate: true },
    { M: 300, K: 257, N: 100, transA: true, transB: false, accumulate: true },
    { M: 63, K: 800, N: 300, transA: true, transB: true, accumulate: false },
    { M: 1, K: 4099, N: 1001, transA: false, transB: true, accumulate: false },
    { M: 6, K: 1000, N: 777, transA: false, transB: true, accumulate: true },
    { M: 20, K: 64, N: 64, transA: false, transB: true, accumulate: false, batch: 7 },
  ];
  const run = (threads: number, o: ReturnType<typeof operands>, d: MatmulDims) => {
    addon.setThreads(threads);
    const c = o.c.slice();
    native!(c, o.a, o.b, d);
    return c;
  };
  try {
    for (const d of cases) {
      const o = operands(rng, d);
      const one = run(1, o, d);
      const two = run(2, o, d);
      assert.deepEqual(Buffer.from(two.buffer), Buffer.from(one.buffer), JSON.stringify(d));
    }
  } finally {
    addon.setThreads(before);
  }
});

test('native: thousands of small split products on an oversubscribed pool (5 threads on this machine) match one thread bit for bit', { skip: skipNative }, () => {
  // Workers claim chunks as they get scheduled, the caller included; late workers must never touch the next
  // product, and a product must never finish before all its chunks have.
  const addon = nativeAddon()!;
  const before = addon.info().threads;
  const rng = new Rng(9);
  const shapes: MatmulDims[] = [
    { M: 1, K: 288, N: 768, transA: false, transB: true, accumulate: false },
    { M: 3, K: 128, N: 130, transA: false, transB: true, accumulate: true },
    { M: 40, K: 64, N: 50, transA: false, transB: false, accumulate: false },
  ];
  const ops = shapes.map((d) => ({ d, o: operands(rng, d) }));
  try {
    addon.setThreads(1);
    const want = ops.map(({ d, o }) => { const c = o.c.slice(); native!(c, o.a, o.b, d); return Buffer.from(c.buffer); });
    addon.setThreads(5);
    for (let i = 0; i < 3000; i++) {
      const k = i % ops.length, { d, o } = ops[k]!;
      const c = o.c.slice();
      native!(c, o.a, o.b, d);
      if (!Buffer.from(c.buffer).equals(want[k]!)) assert.fail(`call ${i}: ${JSON.stringify(d)} differs from the 1-thread result`);
    }
  } finally {
    addon.setThreads(before);
  }
});

test('native: bad arguments throw RangeError and write nothing', { skip: skipNative }, () => {
  const d = { M: 4, K: 5, N: 6, transA: false, transB: true, accumulate: false };
  const a = new Float32Array(20), b = new Float32Array(30), c = new Float32Array(24).fill(7);
  const bad: [string, () => void][] = [
    ['short a', () => native!(c, a.subarray(1), b, d)],
    ['short b', () => native!(c, a, b.subarray(2), d)],
    ['short c', () => native!(c.subarray(0, 23), a, b, d)],
    ['negative M', () => native!(c, a, b, { ...d, M: -1 })],
    ['fractional K', () => native!(c, a, b, { ...d, K: 4.5 })],
    ['missing N', () => native!(c, a, b, { M: 4, K: 5 } as MatmulDims)],
    ['batch too long', () => native!(c, a, b, { ...d, batch: 2 })],
    ['stride too long', () => native!(c, a, b, { ...d, batch: 2, strideA: 0, strideB: 0, strideC: 1 })],
    ['huge dims', () => native!(c, a, b, { ...d, M: 2 ** 40, N: 2 ** 40 })],
    ['Float64Array', () => native!(c, new Float64Array(20) as unknown as Float32Array, b, d)],
    ['no dims', () => (native as unknown as (...x: unknown[]) => void)(c, a, b)],
    ['c overlaps a', () => native!(a, a, b, { ...d, M: 1, N: 5, K: 5, transB: false })],
  ];
  for (const [what, f] of bad) assert.throws(f, RangeError, what);
  assert.ok(c.every((v) => v === 7));
});

test('native: the positional form equals the dims-object form, and checks the same', { skip: skipNative }, () => {
  const positional = nativeAddon()!.matmul as (...args: unknown[]) => void;
  const rng = new Rng(5);
  const cases: MatmulDims[] = [
    { M: 1, K: 300, N: 77, transA: false, transB: true, accumulate: true },
    { M: 40, K: 33, N: 65, transA: true, transB: false, accumulate: false },
    { M: 9, K: 20, N: 18, transA: false, transB: false, accumulate: true, batch: 3, strideA: 0, strideC: 9 * 18 + 2 },
  ];
  for (const d of cases) {
    const o = operands(rng, d);
    const byObject = o.c.slice(), byArgs = o.c.slice();
    native!(byObject, o.a, o.b, d);
    positional(byArgs, o.a, o.b, d.M, d.K, d.N, d.transA, d.transB, d.accumulate, d.batch, d.strideA, d.strideB, d.strideC);
    assert.deepEqual(byArgs, byObject, JSON.stringify(d));
  }
  const a = new Float32Array(20), b = new Float32Array(30), c = new Float32Array(24);
  assert.throws(() => positional(c, a, b, 4, 5, 6, false, true, false, 2), RangeError); // batch 2 needs more
  assert.throws(() => positional(c, a, b, 4, -5, 6, false, true, false), RangeError);
  assert.throws(() => positional(c, a, b, 4, 5), RangeError);
  assert.throws(() => positional(c, a, b, 4, 5, 6.5, false, true, false), RangeError);
});

test('native: streamSum (the bench bandwidth reference) sums every element', { skip: skipNative }, () => {
  const streamSum = nativeAddon()!.streamSum as (x: Float32Array) => number;
  for (const n of [0, 1, 63, 64, 1000, 100003]) {
    const x = Float32Array.from({ length: n }, (_, i) => (i % 7) - 3 + 0.5);
    const want = x.reduce((s, v) => s + v, 0);
    assert.ok(Math.abs(streamSum(x) - want) <= 1e-3 * Math.max(1, Math.abs(want)), `n=${n}`);
  }
});

const bf16 = native && nativeAddon()!.matmulBf16 === true;

test('native bf16 (AMX): within bf16 rounding of the reference, deterministic, opt-in only', { skip: !bf16 && 'AMX bf16 not usable here' }, () => {
  const rng = new Rng(6);
  const shapes = [...oddShapes().filter((_, i) => i % 4 === 0), { M: 100, K: 1000, N: 70, transA: true, transB: true, accumulate: true }];
  for (const d of shapes) {
    const o = operands(rng, d);
    const got = o.c.slice();
    native!(got, o.a, o.b, { ...d, precision: 'bf16' } as MatmulDims);
    const r = errorRatio(got, o, d, 2 ** -7);
    assert.ok(r <= 1, `bf16 error ${r.toFixed(2)}× tolerance for ${JSON.stringify(d)}`);
  }
  const addon = nativeAddon()!;
  const d = { M: 130, K: 700, N: 90, transA: false, transB: true, accumulate: false, precision: 'bf16' } as MatmulDims;
  const o = operands(rng, d);
  const f32 = o.c.slice(), one = o.c.slice(), two = o.c.slice();
  native!(f32, o.a, o.b, { ...d, precision: 'f32' } as MatmulDims);
  const before = addon.info().threads;
  addon.setThreads(1);
  native!(one, o.a, o.b, d);
  addon.setThreads(2);
  native!(two, o.a, o.b, d);
  addon.setThreads(before);
  assert.deepEqual(two, one);
  assert.notDeepEqual(one, f32); // the request took effect
  assert.ok(errorRatio(one, o, d) > 1, 'bf16 rounding shows against the f32 tolerance');
  assert.throws(() => native!(one, o.a, o.b, { ...d, precision: 'f16' } as MatmulDims), RangeError);
});

test('native: the AVX2 and scalar paths agree with the reference too', { skip: skipNative }, () => {
  const info = nativeAddon()!.info();
  const isas = ['scalar', ...(info.features.avx2 && info.features.fma ? ['avx2'] : [])];
  const self = fileURLToPath(import.meta.url);
  const child = self.replace(/matmul\.test\.(ts|js)$/, 'matmul-isa-child.$1');
  for (const isa of isas) {
    const r = spawnSync(process.execPath, [...process.execArgv.filter((x) => !x.startsWith('--test')), child], {
      env: { ...process.env, LLAMATS_ISA: isa },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { isa: string; worst: number };
    assert.equal(out.isa, isa);
    assert.ok(out.worst <= 1, `${isa}: error ${out.worst}× tolerance`);
  }
});
