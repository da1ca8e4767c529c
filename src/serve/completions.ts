// The two generation endpoints, POST /v1/chat/completions and POST /v1/completions: validate, build prompts and
// options, submit to the engine, and answer with one JSON object or an SSE stream of chunks. Both run every
// choice (n samples of each prompt) in the engine's shared batch.
import type { ServerResponse } from 'node:http';
import { AsyncQueue } from '../generate/async-queue.js';
import type { ChoiceStep, Engine } from '../generate/engine.js';
import type { GenerateOptions } from '../generate/options.js';
import type { FinishReason, TokenStep } from '../generate/sequence.js';
import type { ChatTemplateName } from '../tokenizer/chat-templates.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { HttpError, toHttpError } from './errors.js';
import { SseStream, sendJson } from './http-io.js';
import { chatPrompt, checkContext, completionPrompts, optionsFrom, type RequestLimits } from './requests.js';
import { chatLogprob, completionLogprobs, newId, unixTime, usage, type ChatChoice, type TextChoice } from './responses.js';
import { ChatCompletionRequest, CompletionRequest, parseBody } from './schemas.js';

export interface GenerationContext {
  engine: Engine;
  tokenizer: Tokenizer;
  modelId: string;
  stopIds: readonly number[];
  chatTemplate: ChatTemplateName | undefined;
  limits: RequestLimits;
  /** Sequences (running + waiting) the engine may hold; beyond, requests get 429. */
  capacity: number;
  /** Aborts the request: client gone or per-request timeout. */
  signal: AbortSignal;
  /** Reports a server-side failure (logged by the server). */
  onError(e: unknown): void;
}

interface Run {
  prompts: number[][];
  n: number;
  options: GenerateOptions;
  logprobs: boolean;
}

export async function chatCompletions(ctx: GenerationContext, body: unknown, res: ServerResponse): Promise<void> {
  const b = parseBody(ChatCompletionRequest, body);
  const prompt = chatPrompt(ctx.tokenizer, b.messages, ctx.chatTemplate);
  checkContext(prompt, ctx.limits, 'messages');
  const logprobs = b.logprobs === true;
  // An answer is a text of its own (Meta's chat_completion decodes it alone); a completion continues its prompt.
  const options = { ...optionsFrom(b, b.max_completion_tokens ?? b.max_tokens, ctx.limits, ctx.tokenizer, ctx.stopIds, logprobs ? (b.top_logprobs ?? 0) : 0), freshText: true };
  const run: Run = { prompts: [prompt], n: b.n ?? 1, options, logprobs };
  const head = { id: newId('chatcmpl'), created: unixTime(), model: ctx.modelId };
  const events = submit(ctx, run);
  const tok = ctx.tokenizer;

  if (b.stream) {
    const sse = new SseStream(res);
    const withUsage = b.stream_options?.include_usage === true;
    const chunk = (choices: unknown[]) => sse.send({ ...head, object: 'chat.completion.chunk', choices, ...(withUsage ? { usage: null } : {}) });
    const started = new Set<number>();
    let completion = 0;
    const ok = await streamSteps(sse, events, (e) => {
      completion++;
      if (!started.has(e.index)) {
        started.add(e.index);
        chunk([{ index: e.index, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]);
      }
      if (e.text !== '' || logprobs) {
        chunk([{ index: e.index, delta: { content: e.text }, logprobs: logprobs ? { content: [chatLogprob(tok, e)] } : null, finish_reason: null }]);
      }
      if (e.finishReason) chunk([{ index: e.index, delta: {}, logprobs: null, finish_reason: e.finishReason }]);
    }, ctx.onError);
    if (!ok) return;
    if (withUsage) sse.send({ ...head, object: 'chat.completion.chunk', choices: [], usage: usage(prompt.length, completion) });
    sse.done();
    return;
  }

  const choices = await collect(events, run.n);
  sendJson(res, 200, {
    ...head,
    object: 'chat.completion',
    choices: choices.map((c, index): ChatChoice => ({
      index,
      message: { role: 'assistant', content: c.text, refusal: null },
      logprobs: logprobs ? { content: c.steps.map((s) => chatLogprob(tok, s)) } : null,
      finish_reason: c.finishReason,
    })),
    usage: usage(prompt.length, choices.reduce((s, c) => s + c.steps.length, 0)),
  });
}

export async function completions(ctx: GenerationContext, body: unknown, res: ServerResponse): Promise<void> {
  const b = parseBody(CompletionRequest, body);
  const prompts = completionPrompts(ctx.tokenizer, b.prompt);
  prompts.forEach((p, i) => checkContext(p, ctx.limits, prompts.length > 1 ? `prompt[${i}]` : 'prompt'));
  const logprobs = b.logprobs != null;
  const options = optionsFrom(b, b.max_tokens, ctx.limits, ctx.tokenizer, ctx.stopIds, b.logprobs ?? 0);
  const n = b.n ?? 1;
  const run: Run = { prompts, n, options, logprobs };
  const head = { id: newId('cmpl'), created: unixTime(), model: ctx.modelId };
  const events = submit(ctx, run);
  const promptTokens = prompts.reduce((s, p) => s + p.length, 0);
  const tok = ctx.tokenizer;

  if (b.stream) {
    const sse = new SseStream(res);
    const withUsage = b.stream_options?.include_usage === true;
    const offsets = new Map<number, number>();
    let completion = 0;
    const chunk = (c: TextChoice) => sse.send({ ...head, object: 'text_completion', choices: [c], ...(withUsage ? { usage: null } : {}) });
    const ok = await streamSteps(sse, events, (e) => {
      completion++;
      const offset = offsets.get(e.index) ?? 0;
      offsets.set(e.index, offset + e.text.length);
      if (e.text !== '' || logprobs) chunk({ index: e.index, text: e.text, logprobs: logprobs ? completionLogprobs(tok, [e], offset) : null, finish_reason: null });
      if (e.finishReason) chunk({ index: e.index, text: '', logprobs: null, finish_reason: e.finishReason });
    }, ctx.onError);
    if (!ok) return;
    if (withUsage) sse.send({ ...head, object: 'text_completion', choices: [], usage: usage(promptTokens, completion) });
    sse.done();
    return;
  }

  const choices = await collect(events, prompts.length * n);
  sendJson(res, 200, {
    ...head,
    object: 'text_completion',
    choices: choices.map((c, index): TextChoice => ({
      index, text: c.text, logprobs: logprobs ? completionLogprobs(tok, c.steps, 0) : null, finish_reason: c.finishReason,
    })),
    usage: usage(promptTokens, choices.reduce((s, c) => s + c.steps.length, 0)),
  });
}

/**
 * Submits every prompt × n to the engine (429 when it is full) and merges their steps into one stream, with
 * choice index = prompt · n + sample. The request's signal cancels them all.
 */
function submit(ctx: GenerationContext, run: Run): AsyncIterable<ChoiceStep> {
  const sequences = run.prompts.length * run.n;
  const load = ctx.engine.load;
  if (load.running + load.waiting + sequences > ctx.capacity) {
    throw new HttpError(429, `The server is at capacity (${load.running} sequences running, ${load.waiting} waiting); retry later.`, 'rate_limit_error', null, 'rate_limit_exceeded');
  }
  const merged = new AsyncQueue<ChoiceStep>();
  let open = run.prompts.length;
  run.prompts.forEach((prompt, p) => {
    const steps = ctx.engine.submit({ prompt, options: run.options, n: run.n, signal: ctx.signal, logprobs: run.logprobs });
    void (async () => {
      try {
        for await (const s of steps) merged.push({ ...s, index: p * run.n + s.index });
        if (--open === 0) merged.end();
      } catch (e) {
        merged.fail(e);
      }
    })();
  });
  return merged;
}

/**
 * Runs the stream to its end, sending each step. An error after the headers went out becomes one SSE error
 * event and the end of the stream (returns false); a client that went away just ends it.
 */
async function streamSteps(sse: SseStream, events: AsyncIterable<ChoiceStep>, send: (e: ChoiceStep) => void, onError: (e: unknown) => void): Promise<boolean> {
  try {
    for await (const e of events) send(e);
    return true;
  } catch (e) {
    const err = toHttpError(e);
    if (err) {
      onError(e);
      sse.fail(err);
    } else sse.done();
    return false;
  }
}

interface Collected {
  text: string;
  steps: TokenStep[];
  finishReason: FinishReason;
}

async function collect(events: AsyncIterable<ChoiceStep>, count: number): Promise<Collected[]> {
  const out: Collected[] = Array.from({ length: count }, () => ({ text: '', steps: [], finishReason: 'length' }));
  for await (const e of events) {
    const c = out[e.index]!;
    c.text += e.text;
    c.steps.push(e);
    if (e.finishReason) c.finishReason = e.finishReason;
  }
  return out;
}
