// The pure-TypeScript reference backend: every kernel of src/tensor/kernels.ts in float64 arithmetic. It is the
// oracle the native kernels are tested against and the fallback when the addon cannot be built.
import type { Kernels } from '../kernels.js';
import { adamw } from './adamw.js';
import { attentionBackward, attentionForward } from './attention.js';
import { crossEntropyBackward, crossEntropyForward } from './cross-entropy.js';
import { add, axpy, mul, scale, sum, sumSquares } from './elementwise.js';
import { embeddingBackward, embeddingForward } from './embedding.js';
import { matmul } from './matmul.js';
import { dequantizeRow, matmulQuant } from './quant-matmul.js';
import { rmsnormBackward, rmsnormForward } from './rmsnorm.js';
import { ropeBackward, ropeForward } from './rope.js';
import { softmaxBackward, softmaxForward } from './softmax.js';
import { swigluBackward, swigluForward } from './swiglu.js';

export const refKernels: Kernels = {
  name: 'ts',
  matmul,
  add,
  mul,
  scale,
  axpy,
  sum,
  sumSquares,
  rmsnormForward,
  rmsnormBackward,
  swigluForward,
  swigluBackward,
  softmaxForward,
  softmaxBackward,
  ropeForward,
  ropeBackward,
  attentionForward,
  attentionBackward,
  embeddingForward,
  embeddingBackward,
  crossEntropyForward,
  crossEntropyBackward,
  adamw,
  matmulQuant,
  dequantizeRow,
};
