// OpenAI response objects (API reference: chat.completion, chat.completion.chunk, text_completion), built from
// the engine's steps. Field order and names follow the reference so that official clients parse them.
import { randomBytes } from 'node:crypto';
import type { TokenLogprob } from '../generate/logprobs.js';
import type { FinishReason, TokenStep } from '../generate/sequence.js';
import type { Tokenizer } from '../tokenizer/types.js';

export const newId = (prefix: string): string => `${prefix}-${randomBytes(12).toString('base64url')}`;
export const unixTime = (): number => Math.floor(Date.now() / 1000);

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}
export const usage = (prompt: number, completion: number): Usage => ({ prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion });

/** Chat logprobs entry: the token's text (lossy for a partial character, hence the bytes too). */
export interface ChatTokenLogprob {
  token: string;
  logprob: number;
  bytes: number[];
  top_logprobs: Array<{ token: string; logprob: number; bytes: number[] }>;
}

const decoder = new TextDecoder();
function tokenInfo(tok: Tokenizer, t: TokenLogprob): { token: string; logprob: number; bytes: number[] } {
  const bytes = tok.specialIds.has(t.token) ? new TextEncoder().encode(tok.idToPiece(t.token)) : tok.tokenBytes(t.token);
  return { token: decoder.decode(bytes), logprob: t.logprob, bytes: Array.from(bytes) };
}

export function chatLogprob(tok: Tokenizer, s: TokenStep): ChatTokenLogprob {
  return { ...tokenInfo(tok, s), top_logprobs: (s.top ?? []).map((t) => tokenInfo(tok, t)) };
}

/** Legacy completions logprobs: parallel arrays, top alternatives as {text: logprob} maps. */
export interface CompletionLogprobs {
  tokens: string[];
  token_logprobs: number[];
  top_logprobs: Array<Record<string, number>>;
  text_offset: number[];
}

export function completionLogprobs(tok: Tokenizer, steps: readonly TokenStep[], offset0: number): CompletionLogprobs {
  const out: CompletionLogprobs = { tokens: [], token_logprobs: [], top_logprobs: [], text_offset: [] };
  let offset = offset0;
  for (const s of steps) {
    const info = tokenInfo(tok, s);
    out.tokens.push(info.token);
    out.token_logprobs.push(s.logprob);
    out.top_logprobs.push(Object.fromEntries((s.top ?? []).map((t) => [tokenInfo(tok, t).token, t.logprob])));
    out.text_offset.push(offset);
    offset += s.text.length;
  }
  return out;
}

export interface ChatChoice {
  index: number;
  message: { role: 'assistant'; content: string; refusal: null };
  logprobs: { content: ChatTokenLogprob[] } | null;
  finish_reason: FinishReason;
}

export interface ChatChunkChoice {
  index: number;
  delta: { role?: 'assistant'; content?: string };
  logprobs: { content: ChatTokenLogprob[] } | null;
  finish_reason: FinishReason | null;
}

export interface TextChoice {
  index: number;
  text: string;
  logprobs: CompletionLogprobs | null;
  finish_reason: FinishReason | null;
}
