// Child process of test/tensor/matmul.test.ts: the native matmul under the instruction set named by LLAMATS_ISA
// (chosen once, when the addon loads), checked against the reference. Prints one JSON line.
import type { MatmulDims } from '../../src/tensor/kernels.js';
import { nativeAddon } from '../../src/tensor/native.js';
import { Rng } from '../../src/util/rng.js';
import { checkNative, nativeMatmul, oddShapes } from './matmul-helpers.js';

const fn = nativeMatmul();
if (!fn) {
  process.stdout.write(`${JSON.stringify({ isa: null, worst: null })}\n`);
} else {
  const rng = new Rng(11);
  const shapes: MatmulDims[] = [
    ...oddShapes().filter((_, i) => i % 3 === 0),
    { M: 1, K: 1000, N: 301, transA: false, transB: true, accumulate: true },
    { M: 5, K: 77, N: 130, transA: false, transB: true, accumulate: false },
    { M: 70, K: 600, N: 90, transA: true, transB: false, accumulate: true },
    { M: 9, K: 33, N: 40, transA: false, transB: true, accumulate: false, batch: 3, strideA: 0, strideB: 33 * 40 + 5 },
  ];
  let worst = 0;
  for (const d of shapes) worst = Math.max(worst, checkNative(fn, rng, d));
  process.stdout.write(`${JSON.stringify({ isa: nativeAddon()!.info().isa, worst })}\n`);
}
