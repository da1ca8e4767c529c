// The Llama model configuration: every hyper-parameter that shapes the network. Names follow Meta's
// params.json / llama2.c (dim, nLayers, nHeads, nKvHeads); numbers come from ../../docs/llama-recipe.md §1.
import { ConfigError } from '../util/errors.js';

/** Llama 3.1 / 3.2 RoPE frequency scaling (llama-models `apply_scaling`; HF rope_type "llama3"). */
export interface RopeScaling {
  factor: number;
  lowFreqFactor: number;
  highFreqFactor: number;
  originalMaxPositions: number;
}

export interface ModelConfig {
  /** Model width d. */
  dim: number;
  nLayers: number;
  /** Query heads H. */
  nHeads: number;
  /** Key/value heads K (grouped-query attention when K < H; Llama 2 §A.2.1, Llama 3 §3.2). */
  nKvHeads: number;
  /** Per-head width hd (= dim / nHeads in every published model, but stored explicitly as in HF `head_dim`). */
  headDim: number;
  /** SwiGLU hidden width F (see ffnDim() for the published rounding rule). */
  ffnDim: number;
  vocabSize: number;
  /** RMSNorm epsilon: 1e-5 in every Llama 2 / 3 params.json. */
  normEps: number;
  /** RoPE base θ: 10 000 (Llama 2), 500 000 (Llama 3). */
  ropeTheta: number;
  ropeScaling: RopeScaling | null;
  /** Context length the model was trained for. */
  maxSeqLen: number;
  /** Output projection shares the token embedding matrix (Llama 3.2 1B/3B). */
  tiedEmbeddings: boolean;
}

/**
 * The FFN width rule of Meta's reference code (meta/llama `FeedForward`): F = int(8d/3), then
 * F = int(multiplier·F) if a multiplier is given, then rounded UP to a multiple of `multipleOf`.
 */
export function ffnDim(dim: number, multipleOf: number, ffnDimMultiplier?: number): number {
  let hidden = Math.floor((2 * (4 * dim)) / 3);
  if (ffnDimMultiplier !== undefined) hidden = Math.floor(ffnDimMultiplier * hidden);
  return multipleOf * Math.ceil(hidden / multipleOf);
}

/** Throws a ConfigError naming the field when the configuration cannot describe a Llama model. */
export function validateModelConfig(c: ModelConfig, source = 'model config'): ModelConfig {
  const positiveInt = ['dim', 'nLayers', 'nHeads', 'nKvHeads', 'headDim', 'ffnDim', 'vocabSize', 'maxSeqLen'] as const;
  for (const k of positiveInt) {
    const v = c[k];
    if (!Number.isInteger(v) || v <= 0) throw new ConfigError(source, k, 'a positive integer', String(v));
  }
  if (c.nHeads % c.nKvHeads !== 0) {
    throw new ConfigError(source, 'nKvHeads', `a divisor of nHeads (${c.nHeads})`, String(c.nKvHeads));
  }
  if (c.headDim % 2 !== 0) throw new ConfigError(source, 'headDim', 'an even number (RoPE rotates pairs)', String(c.headDim));
  if (!(c.normEps > 0 && c.normEps < 1)) throw new ConfigError(source, 'normEps', 'a number in (0, 1)', String(c.normEps));
  if (!(c.ropeTheta > 1)) throw new ConfigError(source, 'ropeTheta', 'a number > 1', String(c.ropeTheta));
  if (c.ropeScaling) {
    const s = c.ropeScaling;
    if (!(s.factor >= 1)) throw new ConfigError(source, 'ropeScaling.factor', 'a number ≥ 1', String(s.factor));
    if (!(s.highFreqFactor > s.lowFreqFactor && s.lowFreqFactor > 0)) {
      throw new ConfigError(source, 'ropeScaling', 'highFreqFactor > lowFreqFactor > 0', `${s.highFreqFactor}, ${s.lowFreqFactor}`);
    }
    if (!(Number.isInteger(s.originalMaxPositions) && s.originalMaxPositions > 0)) {
      throw new ConfigError(source, 'ropeScaling.originalMaxPositions', 'a positive integer', String(s.originalMaxPositions));
    }
  }
  return c;
}
