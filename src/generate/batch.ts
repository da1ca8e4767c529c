// K samples per prompt, fast: rejection sampling (Llama 2 §3.2.3, Llama 3 §4.2.2: K = 10–30) and PPO rollouts.
// Each prompt is prefilled once and its cache copied to its K samples; all samples of all prompts then decode
// together, one Decoder.forwardBatch per step (scheduler.ts). Sample j of the whole call (prompts in order,
// then samples) uses seed options.seed + j, so `generate(prompt, { seed })` with a sample's seed reproduces it.
import type { Decoder } from '../model/inference.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { generateOptions, type GenerateOptions } from './options.js';
import { Scheduler } from './scheduler.js';
import type { FinishReason } from './sequence.js';

export interface BatchPrompt {
  prompt: readonly number[];
  /** Samples of this prompt (default 1). */
  n?: number;
}

export interface Sample {
  /** Index of the prompt in the call. */
  prompt: number;
  /** The seed this sample was drawn with. */
  seed: number;
  /** Generated ids (the stop token included, as PPO scores it). */
  tokens: number[];
  /** log π(token) under the model for each generated token (raw logits; PPO's old log-probs). */
  logprobs: Float32Array;
  /** The text (stop string and anything after it excluded). */
  text: string;
  finishReason: FinishReason;
}

export interface BatchLimits {
  /** Sequences decoded together (default 64). */
  maxBatch?: number;
  /** Longest prompt + output (default the model's maxSeqLen). */
  contextLength?: number;
}

/** Runs every sample to the end; result[p] holds the samples of prompts[p], in order. Synchronous. */
export function generateBatch(decoder: Decoder, tok: Tokenizer, prompts: readonly BatchPrompt[], options: Partial<GenerateOptions> = {}, limits: BatchLimits = {}): Sample[][] {
  const o = generateOptions(options);
  const contextLength = Math.min(limits.contextLength ?? decoder.config.maxSeqLen, decoder.config.maxSeqLen);
  const maxBatch = limits.maxBatch ?? 64;
  const scheduler = new Scheduler(decoder, tok, { maxBatch, contextLength, prefillChunk: 512 });
  const results: Sample[][] = prompts.map(() => []);
  let first = 0;
  prompts.forEach((p, i) => {
    const n = p.n ?? 1;
    const seed0 = (o.seed + first) >>> 0;
    first += n;
    // Prompts with more samples than fit one batch are split into jobs of at most maxBatch samples.
    for (let done = 0; done < n; done += maxBatch) {
      const k = Math.min(maxBatch, n - done);
      const seed = (seed0 + done) >>> 0;
      scheduler.add({
        prompt: p.prompt, options: { ...o, seed }, n: k, logprobs: true,
        onStep(index, step, seq) {
          if (!step.finishReason) return;
          results[i]![done + index] = {
            prompt: i, seed: (seed + index) >>> 0, tokens: seq.tokens, logprobs: Float32Array.from(seq.logprobs),
            text: seq.text, finishReason: step.finishReason,
          };
        },
      });
    }
  });
  while (!scheduler.idle) scheduler.step();
  return results;
}
