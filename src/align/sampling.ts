// Sampling from the policy being trained: the chat prompt is formatted with the model's template, and K samples
// per prompt are drawn by generateBatch (one forwardBatch per step for all samples; Llama 3 §4.2.2's shared
// prompt KV is the prompt cache copied to the K samples). The decoder reads zero-copy views of the training
// weights (inferenceWeightsOf), so every call samples the model as it is now. Prompts that leave no room to
// answer within the context window are skipped (reported as null).
import { Decoder } from '../model/inference.js';
import type { Llama } from '../model/llama.js';
import { inferenceWeightsOf } from '../model/weights.js';
import { generateBatch, type Sample } from '../generate/batch.js';
import type { ChatTemplateName } from '../tokenizer/chat-templates.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { promptIds } from './chat-rows.js';
import type { Message } from './world/index.js';

export interface SampleConfig {
  /** Samples per prompt. */
  n: number;
  temperature: number;
  topP: number;
  maxTokens: number;
  seed: number;
  template?: ChatTemplateName | undefined;
  /** Sequences decoded together (default 64). */
  maxBatch?: number;
}

export interface PromptSamples {
  /** The prompt's ids (template applied, ending with the assistant header). */
  promptIds: number[];
  samples: Sample[];
}

/** result[i] = the samples of prompts[i], or null when the prompt does not fit the context with room to answer. */
export function samplePolicy(model: Llama, tok: Tokenizer, prompts: readonly (readonly Message[])[], cfg: SampleConfig): (PromptSamples | null)[] {
  const decoder = new Decoder(model.config, inferenceWeightsOf(model));
  const ids = prompts.map((p) => promptIds(tok, p, cfg.template));
  // At least a few tokens of room, else the prompt is skipped rather than answered with a truncated stub.
  const fits = ids.map((p) => p.length + Math.min(8, cfg.maxTokens) <= model.config.maxSeqLen);
  const jobs = ids.filter((_, i) => fits[i]).map((prompt) => ({ prompt, n: cfg.n }));
  const out = generateBatch(decoder, tok, jobs, { temperature: cfg.temperature, topP: cfg.topP, maxTokens: cfg.maxTokens, seed: cfg.seed }, { maxBatch: cfg.maxBatch ?? 64 });
  let j = 0;
  return ids.map((p, i) => (fits[i] ? { promptIds: p, samples: out[j++]! } : null));
}

/** Greedy answers (temperature 0), one per prompt ('' where the prompt does not fit): evaluation. */
export function greedyAnswers(model: Llama, tok: Tokenizer, prompts: readonly (readonly Message[])[], maxTokens: number, template?: ChatTemplateName): string[] {
  return samplePolicy(model, tok, prompts, { n: 1, temperature: 0, topP: 1, maxTokens, seed: 0, template }).map((s) => s?.samples[0]!.text.trim() ?? '');
}
