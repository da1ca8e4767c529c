// A greedy continuation of a prompt with the KV-cache decoder: the human check that a trained model writes
// English. (Samplers with temperature, top-p and stop rules are src/generate's; greedy needs none of them.)
import { Decoder, KVCache } from '../model/inference.js';
import type { Llama } from '../model/llama.js';
import { inferenceWeightsOf } from '../model/weights.js';
import type { Tokenizer } from '../tokenizer/types.js';

export function greedySample(model: Llama, tokenizer: Tokenizer, prompt: string, maxTokens: number): string {
  const decoder = new Decoder(model.config, inferenceWeightsOf(model));
  const cache = new KVCache(model.config);
  const ids = tokenizer.encode(prompt, { bos: true });
  const out: number[] = [];
  let logits = decoder.forward(ids.slice(0, cache.maxSeqLen), cache);
  while (out.length < maxTokens && cache.length < cache.maxSeqLen) {
    let best = 0;
    for (let v = 1; v < logits.length; v++) if (logits[v]! > logits[best]!) best = v;
    if (best === tokenizer.eos || tokenizer.stopIds.includes(best)) break;
    out.push(best);
    logits = decoder.forward([best], cache);
  }
  return prompt + tokenizer.decode(out);
}
