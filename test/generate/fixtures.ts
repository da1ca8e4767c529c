// Shared fixtures for the generation and serving tests: tiny random models with the real Llama tokenizers
// (test/fixtures/vocab). Outputs are gibberish; the machinery around the model is what is tested.
import type { ModelConfig } from '../../src/model/config.js';
import { Decoder } from '../../src/model/inference.js';
import { initLlama } from '../../src/model/llama.js';
import { inferenceWeightsOf } from '../../src/model/weights.js';
import type { Tokenizer } from '../../src/tokenizer/types.js';
import { llama2, llama3 } from '../tokenizer/fixtures.js';

/** Llama 2 SentencePiece tokenizer (32 000 tokens). */
export const llama2Tokenizer = (): Tokenizer => llama2();
/** Llama 3 tiktoken-style tokenizer (128 256 tokens). */
export const llama3Tokenizer = (): Tokenizer => llama3();

export function tinyConfig(vocabSize: number, maxSeqLen = 128): ModelConfig {
  return {
    dim: 32, nLayers: 2, nHeads: 4, nKvHeads: 2, headDim: 8, ffnDim: 64, vocabSize,
    normEps: 1e-5, ropeTheta: 10000, ropeScaling: null, maxSeqLen, tiedEmbeddings: false,
  };
}

/** A random tiny model; `sharpen` scales the output layer so that distributions are peaked, as trained ones are. */
export function tinyDecoder(vocabSize: number, seed = 1, opts: { maxSeqLen?: number; sharpen?: number } = {}): Decoder {
  const model = initLlama(tinyConfig(vocabSize, opts.maxSeqLen), seed);
  const sharpen = opts.sharpen ?? 1;
  if (sharpen !== 1) for (let i = 0; i < model.output.data.length; i++) model.output.data[i]! *= sharpen;
  return new Decoder(model.config, inferenceWeightsOf(model));
}
