// The tensor library in one import: `import * as T from '../tensor/index.js'`.
export { Tensor, empty, zeros, full, tensor, wrap, scalar, randn, contiguousData, numel, sameShape, type Shape } from './tensor.js';
export { backward, noGrad, tidy, keep, isGradEnabled } from './autograd.js';
export { ParameterSet, type ParameterSpec } from './parameters.js';
export { memoryStats, resetPeak, clearPool } from './storage.js';
export { reshape, transpose, narrow, contiguous } from './ops/views.js';
export { linear, matmul } from './ops/matmul.js';
export { add, sub, mul, scale, sum, mean, broadcastShape } from './ops/elementwise.js';
export { rmsnorm } from './ops/norm.js';
export { rope } from './ops/rope.js';
export { swiglu, softmax } from './ops/activations.js';
export { embedding, gatherRows } from './ops/embedding.js';
export { crossEntropy, tokenLogProbs, IGNORE_INDEX } from './ops/losses.js';
export { attention, type AttentionOptions } from './ops/attention.js';
export { logSigmoid, sigmoid, exp, log, neg, square, clamp, minimum } from './ops/scalar-math.js';
