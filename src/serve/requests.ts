// From validated OpenAI request bodies to what the engine runs: prompt token ids (chat messages through the
// model's chat template, built as ids so message text cannot forge a turn — tokenizer/chat-templates.ts) and
// GenerateOptions. Omitted sampling fields take the Llama defaults (recipe §3: temperature 0.6, top-p 0.9),
// not OpenAI's (temperature 1), because those are what these models were tuned and evaluated with.
import { randomInt } from 'node:crypto';
import { generateOptions, type GenerateOptions } from '../generate/options.js';
import { formatChat, type ChatMessage, type ChatTemplateName } from '../tokenizer/chat-templates.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { ConfigError } from '../util/errors.js';
import { badRequest } from './errors.js';
import type { ChatCompletionRequest, CompletionRequest } from './schemas.js';

export interface RequestLimits {
  /** Largest max_tokens accepted (and the default when a request gives none). */
  maxTokens: number;
  /** Largest n. */
  maxN: number;
  /** Prompt + completion tokens. */
  contextLength: number;
}

type Sampling = Pick<ChatCompletionRequest, 'temperature' | 'top_p' | 'top_k' | 'min_p' | 'repeat_penalty' | 'repeat_last_n' | 'presence_penalty' | 'frequency_penalty' | 'logit_bias' | 'seed' | 'stop' | 'n'>;

/** The request's sampling fields as GenerateOptions; checks n, max_tokens and logit_bias ids against the limits. */
export function optionsFrom(body: Sampling, maxTokens: number | null | undefined, limits: RequestLimits, tok: Tokenizer, stopIds: readonly number[], topLogprobs: number): GenerateOptions {
  if (maxTokens != null && maxTokens > limits.maxTokens) throw badRequest(`max_tokens is ${maxTokens}; this server allows at most ${limits.maxTokens}.`, 'max_tokens', 'invalid_value');
  if (body.n != null && body.n > limits.maxN) throw badRequest(`n is ${body.n}; this server allows at most ${limits.maxN}.`, 'n', 'invalid_value');
  const bias = new Map<number, number>();
  for (const [k, v] of Object.entries(body.logit_bias ?? {})) {
    const id = Number(k);
    if (id >= tok.vocabSize) throw badRequest(`logit_bias: token id ${k} is not in the vocabulary (0 … ${tok.vocabSize - 1}).`, 'logit_bias', 'invalid_value');
    bias.set(id, v);
  }
  try {
    return generateOptions({
      temperature: body.temperature ?? undefined,
      topP: body.top_p ?? undefined,
      topK: body.top_k ?? undefined,
      minP: body.min_p ?? undefined,
      repeatPenalty: body.repeat_penalty ?? undefined,
      repeatLastN: body.repeat_last_n ?? undefined,
      presencePenalty: body.presence_penalty ?? undefined,
      frequencyPenalty: body.frequency_penalty ?? undefined,
      logitBias: bias,
      // No seed: a fresh one per request (only the seed itself comes from the OS, the sampling from our Rng).
      seed: body.seed ?? randomInt(0, 2 ** 32 - 1),
      stop: body.stop == null ? [] : typeof body.stop === 'string' ? [body.stop] : body.stop,
      stopIds,
      maxTokens: maxTokens ?? limits.maxTokens,
      topLogprobs,
    }, 'request');
  } catch (e) {
    if (e instanceof ConfigError) throw badRequest(e.message, e.field, 'invalid_value');
    throw e;
  }
}

/** Chat messages → prompt ids with the generation prompt (the assistant header) at the end. */
export function chatPrompt(tok: Tokenizer, messages: ChatCompletionRequest['messages'], template: ChatTemplateName | undefined): number[] {
  const chat: ChatMessage[] = messages.map((m) => ({
    role: m.role === 'developer' ? 'system' : m.role,
    content: m.content === null ? '' : typeof m.content === 'string' ? m.content : m.content.map((p) => p.text).join(''),
  }));
  try {
    return formatChat(tok, chat, template ? { template } : {}).ids;
  } catch (e) {
    if (e instanceof ConfigError) throw badRequest(e.message, 'messages', 'invalid_value');
    throw e;
  }
}

/** Completions prompts (a string, strings, ids, or lists of ids) → one id list each; strings get BOS. */
export function completionPrompts(tok: Tokenizer, prompt: CompletionRequest['prompt']): number[][] {
  const list: Array<string | number[]> = typeof prompt === 'string' ? [prompt]
    : prompt.length > 0 && typeof prompt[0] === 'number' ? [prompt as number[]]
    : (prompt as Array<string | number[]>);
  return list.map((p, i) => {
    if (typeof p === 'string') return tok.encode(p, { bos: true });
    const bad = p.findIndex((id) => id >= tok.vocabSize);
    if (bad >= 0) throw badRequest(`prompt token ${p[bad]} is not in the vocabulary (0 … ${tok.vocabSize - 1}).`, `prompt[${i}]`, 'invalid_value');
    return p;
  });
}

/** 400 when a prompt leaves no room to generate (OpenAI's context_length_exceeded). */
export function checkContext(prompt: readonly number[], limits: RequestLimits, param: string): void {
  if (prompt.length >= limits.contextLength) {
    throw badRequest(`This model's maximum context length is ${limits.contextLength} tokens; the prompt has ${prompt.length} tokens, leaving no room to generate.`, param, 'context_length_exceeded');
  }
}
