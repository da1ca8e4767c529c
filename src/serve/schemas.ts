// Request bodies of the OpenAI-compatible endpoints, as zod schemas. Strict objects: a misspelt field
// ("max_token") is a 400 naming it rather than a silently ignored option. Fields OpenAI defines that change
// nothing here (user, metadata, store, …) are accepted and ignored; features this server does not have
// (tools, JSON mode, echo, best_of) are rejected by name. llama.cpp-server extensions: top_k, min_p,
// repeat_penalty, repeat_last_n.
import { z } from 'zod';
import { badRequest } from './errors.js';

const int = z.number().int();
const stop = z.union([z.string().min(1), z.array(z.string().min(1)).max(16)]);
/** OpenAI: token id (as a JSON object key) → bias in [−100, 100]. */
const logitBias = z.record(z.string().regex(/^\d+$/, 'token ids as keys'), z.number().min(-100).max(100));

const sampling = {
  model: z.string().max(256).optional(),
  max_tokens: int.min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  n: int.min(1).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.strictObject({ include_usage: z.boolean().optional() }).nullish(),
  stop: stop.nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  logit_bias: logitBias.nullish(),
  seed: int.min(0).max(0xffffffff).nullish(),
  user: z.string().max(256).optional(),
  // llama.cpp server extensions
  top_k: int.min(0).nullish(),
  min_p: z.number().min(0).max(1).nullish(),
  repeat_penalty: z.number().gt(0).max(100).nullish(),
  repeat_last_n: int.min(-1).nullish(),
};

const textPart = z.strictObject({ type: z.literal('text'), text: z.string() });
const message = z.strictObject({
  role: z.enum(['system', 'developer', 'user', 'assistant']),
  content: z.union([z.string(), z.array(textPart)]).nullable(),
  name: z.string().max(64).optional(),
});

export const ChatCompletionRequest = z.strictObject({
  ...sampling,
  messages: z.array(message).min(1),
  max_completion_tokens: int.min(1).nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: int.min(0).max(20).nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  store: z.boolean().nullish(),
  response_format: z.strictObject({ type: z.literal('text') }).nullish(),
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;

const tokens = z.array(int.min(0)).min(1);
export const CompletionRequest = z.strictObject({
  ...sampling,
  prompt: z.union([z.string(), z.array(z.string()).min(1), tokens, z.array(tokens).min(1)]),
  /** Completions' logprobs is the number of alternatives (0–5), not a boolean. */
  logprobs: int.min(0).max(5).nullish(),
  echo: z.literal(false).nullish(),
  best_of: z.literal(1).nullish(),
  suffix: z.null().optional(),
});
export type CompletionRequest = z.infer<typeof CompletionRequest>;

/** Parses a body with a schema; a failure is a 400 naming the first offending field (OpenAI's `param`). */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('The request body must be a JSON object.');
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
  const param = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('') || null;
  const what = issue.code === 'unrecognized_keys' ? `Unrecognized request argument supplied: ${issue.keys.join(', ')}` : `Invalid value for '${param}': ${issue.message}`;
  throw badRequest(what, param, issue.code === 'unrecognized_keys' ? 'unknown_parameter' : 'invalid_value');
}
