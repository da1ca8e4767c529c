// Streaming generation of one sequence: an async iterator of steps (token, log-prob, the text it releases,
// finish reason on the last one). It yields to the event loop between tokens (setImmediate), so a server in the
// same process keeps answering, and stops when the AbortSignal fires (throwing the signal's reason).
// Pass a PromptCache to keep the KV cache across calls: a prompt that extends the previous one (the next chat
// turn) only runs its new tokens.
import type { Decoder } from '../model/inference.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { ConfigError } from '../util/errors.js';
import { generateOptions, type GenerateOptions } from './options.js';
import { PromptCache } from './prompt-cache.js';
import { Sequence, type TokenStep } from './sequence.js';

export interface GenerateContext {
  signal?: AbortSignal;
  /** Reused across calls (prefix matching); default a fresh cache sized prompt + maxTokens. */
  cache?: PromptCache;
  /** Compute log p(token) each step (default: only when options.topLogprobs > 0). */
  logprobs?: boolean;
}

export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function* generate(
  decoder: Decoder,
  tok: Tokenizer,
  prompt: readonly number[],
  options: Partial<GenerateOptions> = {},
  ctx: GenerateContext = {},
): AsyncGenerator<TokenStep, void, undefined> {
  const o = generateOptions(options);
  const window = ctx.cache?.capacity ?? decoder.config.maxSeqLen;
  if (prompt.length === 0) throw new ConfigError('generate', 'prompt', 'at least one token', 'none');
  if (prompt.length >= window) throw new ConfigError('generate', 'prompt', `fewer than ${window} tokens (the context window, with room to generate)`, `${prompt.length} tokens`);
  const maxTokens = Math.min(o.maxTokens, window - prompt.length);
  const cache = ctx.cache ?? new PromptCache(decoder.config, prompt.length + maxTokens);
  const seq = new Sequence(tok, prompt, o, maxTokens, ctx.logprobs ?? o.topLogprobs > 0);
  ctx.signal?.throwIfAborted();
  let logits = cache.prefill(decoder, prompt);
  // One logits buffer for the whole decode loop: each step's logits are used up before the next forward.
  const buffer = new Float32Array(decoder.config.vocabSize);
  for (;;) {
    ctx.signal?.throwIfAborted();
    const step = seq.step(logits);
    yield step;
    if (step.finishReason) return;
    await yieldToEventLoop();
    ctx.signal?.throwIfAborted();
    logits = cache.append(decoder, step.token, buffer);
  }
}
