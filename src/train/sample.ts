// A continuation of a prompt by the trained model — the human check that it writes English — through the KV-cache
// decoder and src/generate's sampler (temperature 0 is greedy; Meta's defaults are T 0.6, top-p 0.9, recipe §3).
import { generateOptions } from '../generate/options.js';
import { Sequence } from '../generate/sequence.js';
import { Decoder, KVCache } from '../model/inference.js';
import type { Llama } from '../model/llama.js';
import { inferenceWeightsOf } from '../model/weights.js';
import type { Tokenizer } from '../tokenizer/types.js';

export interface SampleOptions {
  prompt: string;
  tokens: number;
  temperature: number;
  topP: number;
  seed: number;
}

export function sampleText(model: Llama, tokenizer: Tokenizer, o: SampleOptions): string {
  const decoder = new Decoder(model.config, inferenceWeightsOf(model));
  const cache = new KVCache(model.config);
  const prompt = tokenizer.encode(o.prompt, { bos: true }).slice(0, cache.maxSeqLen - 1);
  const maxTokens = Math.min(o.tokens, cache.maxSeqLen - prompt.length);
  const seq = new Sequence(tokenizer, prompt, generateOptions({ temperature: o.temperature, topP: o.topP, seed: o.seed, maxTokens }), maxTokens);
  let logits = decoder.forward(prompt, cache);
  while (!seq.step(logits).finishReason) logits = decoder.forward([seq.tokens.at(-1)!], cache);
  return o.prompt + seq.text;
}
