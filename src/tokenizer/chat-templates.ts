// Chat formatting straight to token ids (recipe §3 "Chat templates"): special tokens are inserted as ids and
// message text is encoded as plain text, so a message containing "<|eot_id|>" or "[INST]" cannot forge a turn
// (the injection bug of rendering a template to a string and tokenizing it with special parsing on).
// Besides the ids, formatChat returns
//  - assistantMask: 1 on the tokens of assistant answers including their closing <|eot_id|> / EOS, the tokens
//    SFT trains on (Llama 2 §3.1: "we zero-out the loss on tokens from the user prompt");
//  - formatMask: 1 on formatting tokens (BOS, headers, role names, terminators), which DPO masks out of the
//    chosen and rejected log-probs (Llama 3 §4.1.4).
// The templates themselves are in chat-llama2.ts and chat-llama3.ts.
import { ConfigError } from '../util/errors.js';
import { llama2Segments } from './chat-llama2.js';
import { llama3Segments, llama31Segments } from './chat-llama3.js';
import type { Tokenizer } from './types.js';

export type ChatRole = 'system' | 'user' | 'assistant' | 'ipython' | 'tool';

/** A tool call made by the assistant (Llama 3.1 JSON or built-in `<|python_tag|>` call). */
export interface ToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

export interface ChatMessage {
  role: ChatRole;
  /** Text; for ipython/tool results any JSON value (the template JSON-encodes it). */
  content: unknown;
  toolCalls?: ToolCall[];
}

export type ChatTemplateName = 'llama2' | 'llama3' | 'llama3.1';

export interface ChatOptions {
  /** Default: 'llama2' for a SentencePiece tokenizer, 'llama3.1' for a byte-level one. */
  template?: ChatTemplateName;
  /** End with the assistant header (Llama 3) so the model writes the answer; default true. */
  addGenerationPrompt?: boolean;
  /** Llama 3.1 "Today Date:" (default "26 Jul 2024", as Meta's template). */
  dateString?: string;
  /** Llama 3.1 custom tools (JSON schemas), put in the first user message unless toolsInUserMessage is false. */
  tools?: unknown[];
  toolsInUserMessage?: boolean;
  /** Llama 3.1 built-in tools, e.g. ['brave_search', 'wolfram_alpha'] (turns on `Environment: ipython`). */
  builtinTools?: string[];
}

export interface FormattedChat {
  ids: number[];
  assistantMask: Uint8Array;
  formatMask: Uint8Array;
}

/** One piece of a formatted chat: a special token id or text, with what its tokens are. */
export type ChatSegment = { id: number; answer?: boolean } | { text: string; answer?: boolean; format?: boolean };

const templates: { [K in ChatTemplateName]: (tok: Tokenizer, messages: ChatMessage[], opts: ChatOptions) => ChatSegment[] } = {
  llama2: llama2Segments,
  llama3: llama3Segments,
  'llama3.1': llama31Segments,
};

export function formatChat(tok: Tokenizer, messages: ChatMessage[], opts: ChatOptions = {}): FormattedChat {
  const name = opts.template ?? (tok.family === 'llama2' ? 'llama2' : 'llama3.1');
  const make = templates[name];
  if (!make) throw new ConfigError('formatChat', 'template', `one of ${Object.keys(templates).join(', ')}`, JSON.stringify(name));
  return encodeSegments(tok, make(tok, messages, opts));
}

/**
 * Encodes segments: ids as they are; each run of adjacent text segments as one string (exactly how the rendered
 * template would be tokenized), each token taking the flags of the segment where its piece starts.
 */
export function encodeSegments(tok: Tokenizer, segments: ChatSegment[]): FormattedChat {
  const ids: number[] = [];
  const answer: number[] = [];
  const format: number[] = [];
  let run: Array<{ text: string; answer?: boolean; format?: boolean }> = [];
  const flush = () => {
    if (run.length === 0) return;
    const text = run.map((s) => s.text).join('');
    const bounds: number[] = [];
    let o = 0;
    for (const s of run) { o += s.text.length; bounds.push(o); }
    const enc = tok.encodeWithOffsets(text);
    let k = 0;
    for (let i = 0; i < enc.ids.length; i++) {
      while (k + 1 < run.length && enc.starts[i]! >= bounds[k]!) k++;
      ids.push(enc.ids[i]!);
      answer.push(run[k]!.answer ? 1 : 0);
      format.push(run[k]!.format ? 1 : 0);
    }
    run = [];
  };
  for (const s of segments) {
    if ('id' in s) { flush(); ids.push(s.id); answer.push(s.answer ? 1 : 0); format.push(1); }
    else if (s.text !== '') run.push(s);
  }
  flush();
  return { ids, assistantMask: Uint8Array.from(answer), formatMask: Uint8Array.from(format) };
}

/** The id of a named special token, or a clear error when this vocabulary lacks it. */
export function specialId(tok: Tokenizer, name: string, template: string): number {
  const id = tok.pieceToId(name);
  if (id === undefined || !tok.specialIds.has(id)) throw new ConfigError(`chat template ${template}`, `special token ${name}`, 'present in the tokenizer', 'missing');
  return id;
}

export function messageText(m: ChatMessage, i: number, template: string): string {
  if (typeof m.content !== 'string') throw new ConfigError(`chat template ${template}`, `messages[${i}].content`, 'a string', typeof m.content);
  return m.content;
}
