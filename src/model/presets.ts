// Published Llama configurations and small presets that train on a laptop. Each preset is a zero-argument
// function whose body is numbers, citing its source (docs/llama-recipe.md §1 recomputes every parameter count).
import { ffnDim, type ModelConfig } from './config.js';

const llama31Scaling = (factor: number) => ({ factor, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 8192 });

const base = { normEps: 1e-5, ropeScaling: null, tiedEmbeddings: false } as const;

// Llama 2 (Touvron et al. 2023, Table 1; meta/llama params.json): θ 1e4, context 4096, vocab 32000.
export const llama2_7b = (): ModelConfig => ({ ...base, dim: 4096, nLayers: 32, nHeads: 32, nKvHeads: 32, headDim: 128, ffnDim: ffnDim(4096, 256), vocabSize: 32000, ropeTheta: 1e4, maxSeqLen: 4096 });
export const llama2_13b = (): ModelConfig => ({ ...base, dim: 5120, nLayers: 40, nHeads: 40, nKvHeads: 40, headDim: 128, ffnDim: ffnDim(5120, 256), vocabSize: 32000, ropeTheta: 1e4, maxSeqLen: 4096 });
export const llama2_70b = (): ModelConfig => ({ ...base, dim: 8192, nLayers: 80, nHeads: 64, nKvHeads: 8, headDim: 128, ffnDim: ffnDim(8192, 4096, 1.3), vocabSize: 32000, ropeTheta: 1e4, maxSeqLen: 4096 });

// Llama 3 / 3.1 (Llama 3 Herd paper Table 3; meta/llama-models params): θ 5e5, vocab 128256, 8 KV heads.
export const llama3_8b = (): ModelConfig => ({ ...base, dim: 4096, nLayers: 32, nHeads: 32, nKvHeads: 8, headDim: 128, ffnDim: ffnDim(4096, 1024, 1.3), vocabSize: 128256, ropeTheta: 5e5, maxSeqLen: 8192 });
export const llama3_70b = (): ModelConfig => ({ ...base, dim: 8192, nLayers: 80, nHeads: 64, nKvHeads: 8, headDim: 128, ffnDim: ffnDim(8192, 4096, 1.3), vocabSize: 128256, ropeTheta: 5e5, maxSeqLen: 8192 });
export const llama31_8b = (): ModelConfig => ({ ...llama3_8b(), ropeScaling: llama31Scaling(8), maxSeqLen: 131072 });
export const llama31_70b = (): ModelConfig => ({ ...llama3_70b(), ropeScaling: llama31Scaling(8), maxSeqLen: 131072 });
export const llama31_405b = (): ModelConfig => ({ ...base, dim: 16384, nLayers: 126, nHeads: 128, nKvHeads: 8, headDim: 128, ffnDim: ffnDim(16384, 4096, 1.2), vocabSize: 128256, ropeTheta: 5e5, ropeScaling: llama31Scaling(8), maxSeqLen: 131072 });

// Llama 3.2 1B / 3B (HF config.json): tied embeddings, RoPE scaling factor 32.
export const llama32_1b = (): ModelConfig => ({ ...base, dim: 2048, nLayers: 16, nHeads: 32, nKvHeads: 8, headDim: 64, ffnDim: ffnDim(2048, 256, 1.5), vocabSize: 128256, ropeTheta: 5e5, ropeScaling: llama31Scaling(32), maxSeqLen: 131072, tiedEmbeddings: true });
export const llama32_3b = (): ModelConfig => ({ ...base, dim: 3072, nLayers: 28, nHeads: 24, nKvHeads: 8, headDim: 128, ffnDim: ffnDim(3072, 256, 1.0), vocabSize: 128256, ropeTheta: 5e5, ropeScaling: llama31Scaling(32), maxSeqLen: 131072, tiedEmbeddings: true });

// Laptop presets. stories* are the shapes of karpathy/llama2.c's TinyStories models (multiple_of 32, vocab
// 32000, MHA, classifier tied to the embedding as in llama2.c, hence 15M/42M/110M). tiny is the smallest shape that still has every feature (GQA with 2 KV heads, several layers).
export const tiny = (): ModelConfig => ({ ...base, dim: 128, nLayers: 4, nHeads: 4, nKvHeads: 2, headDim: 32, ffnDim: ffnDim(128, 32), vocabSize: 4096, ropeTheta: 1e4, maxSeqLen: 256 });
export const stories15m = (): ModelConfig => ({ ...base, dim: 288, nLayers: 6, nHeads: 6, nKvHeads: 6, headDim: 48, ffnDim: ffnDim(288, 32), vocabSize: 32000, ropeTheta: 1e4, maxSeqLen: 256, tiedEmbeddings: true });
export const stories42m = (): ModelConfig => ({ ...base, dim: 512, nLayers: 8, nHeads: 8, nKvHeads: 8, headDim: 64, ffnDim: ffnDim(512, 32), vocabSize: 32000, ropeTheta: 1e4, maxSeqLen: 1024, tiedEmbeddings: true });
export const stories110m = (): ModelConfig => ({ ...base, dim: 768, nLayers: 12, nHeads: 12, nKvHeads: 12, headDim: 64, ffnDim: ffnDim(768, 32), vocabSize: 32000, ropeTheta: 1e4, maxSeqLen: 1024, tiedEmbeddings: true });

export const PRESETS: Record<string, () => ModelConfig> = {
  'llama2-7b': llama2_7b,
  'llama2-13b': llama2_13b,
  'llama2-70b': llama2_70b,
  'llama3-8b': llama3_8b,
  'llama3-70b': llama3_70b,
  'llama3.1-8b': llama31_8b,
  'llama3.1-70b': llama31_70b,
  'llama3.1-405b': llama31_405b,
  'llama3.2-1b': llama32_1b,
  'llama3.2-3b': llama32_3b,
  tiny,
  stories15m,
  stories42m,
  stories110m,
};

export function presetNames(): string[] {
  return Object.keys(PRESETS);
}
