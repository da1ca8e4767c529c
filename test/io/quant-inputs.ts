// Deterministic f32 test inputs for the quantizers: 16 super-blocks of 256 values, each exercising a branch
// of llama.cpp's reference quantizers (normal data at several scales, zeros, a constant, all-negative,
// sparse outliers, values below GROUP_MAX_EPS, half-zero blocks, exact .5 ties for roundf, ramps, offsets).
// test/fixtures/io/quant-ref/*.bin hold what llama.cpp's C reference makes of exactly these values.
import { Rng } from '../../src/util/rng.js';

export const QUANT_INPUT_LENGTH = 16 * 256;

export function quantInputs(): Float32Array {
  const rng = new Rng(20240723);
  const x = new Float32Array(QUANT_INPUT_LENGTH);
  const blocks: ((j: number) => number)[] = [
    () => rng.normal(),
    () => 0.02 * rng.normal(),
    () => 1e-3 * rng.normal(),
    () => 50 * rng.normal(),
    () => 1e-6 * rng.normal(),
    () => 3000 * rng.normal(),
    () => 0,
    () => 0.5,
    () => -Math.abs(rng.normal()),
    () => (rng.uniform() < 0.05 ? (rng.uniform() < 0.5 ? -10 : 10) : 0),
    () => 1e-20 * rng.normal(),
    (j) => (j < 128 ? 0 : rng.normal()),
    () => 2 * rng.uniform() - 1,
    (j) => (j - 128) / 64,
    (j) => (j % 32 === 0 ? 127 : (j % 32) - 16 + 0.5), // Q8_0: amax 127 → d = 1, ties at .5
    () => 0.01 + 1e-3 * rng.normal(),
  ];
  blocks.forEach((gen, b) => {
    for (let j = 0; j < 256; j++) x[256 * b + j] = gen(j);
  });
  return x;
}

/** llama.cpp tests/test-quantize-fns.cpp `generate_data`: 0.1 + 2·cos(i + offset). */
export function cosData(n: number, offset = 0): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = 0.1 + 2 * Math.fround(Math.cos(i + offset));
  return x;
}
