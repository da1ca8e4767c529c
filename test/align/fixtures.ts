// Shared fixtures for the alignment-stage tests: a byte-level BPE tokenizer with the Llama 3 chat specials,
// trained in milliseconds on a few world sentences, and tiny random Llama models over it.
import { initLlama, type Llama } from '../../src/model/llama.js';
import type { ModelConfig } from '../../src/model/config.js';
import { makeTokenizer } from '../../src/tokenizer/make.js';
import { trainByteLevel } from '../../src/tokenizer/train-tokenizer.js';
import type { Tokenizer } from '../../src/tokenizer/types.js';
import { createWorld, type World } from '../../src/align/world/index.js';

let cached: { world: World; tok: Tokenizer } | null = null;

/** The small world and a tokenizer trained on its prompts and gold answers (422 tokens, 16 specials). */
export function worldAndTokenizer(): { world: World; tok: Tokenizer } {
  if (cached) return cached;
  const world = createWorld({ seed: 1, size: 'small' });
  const texts = world.sample('train', 300).flatMap((p) => [...p.messages.map((m) => m.content), p.oracle.gold]);
  const tok = makeTokenizer(trainByteLevel(texts, { kind: 'bpe', vocabSize: 256 + 150 + 16, specialTokens: 16 }));
  cached = { world, tok };
  return cached;
}

export function tinyModelConfig(vocabSize: number, maxSeqLen = 192): ModelConfig {
  return { dim: 32, nLayers: 2, nHeads: 4, nKvHeads: 2, headDim: 8, ffnDim: 64, vocabSize, normEps: 1e-5, ropeTheta: 10000, ropeScaling: null, maxSeqLen, tiedEmbeddings: false };
}

export function tinyModel(tok: Tokenizer, seed = 1, maxSeqLen = 192): Llama {
  return initLlama(tinyModelConfig(tok.vocabSize, maxSeqLen), seed);
}
