// Vicuna-style ShareGPT import (recipe §13; lm-sys/FastChat train.py, split_long_conversation.py): conversations
// {id, conversations: [{from: system|human|gpt, value}]} become chat messages, trained with the loss on every
// assistant turn (chatSequence). As FastChat: a first turn that is not from the human is skipped, roles must
// then alternate human/gpt, a trailing human turn (no answer) is dropped, and conversations longer than the
// context are split at turn-pair boundaries into several examples (each keeps the system message).
import { formatChat, type ChatTemplateName } from '../../tokenizer/chat-templates.js';
import type { Tokenizer } from '../../tokenizer/types.js';
import { FileFormatError } from '../../util/errors.js';
import { readJsonFile } from '../../util/fs.js';
import type { Message, ShareGptConversation } from '../world/index.js';

const ROLE = { system: 'system', human: 'user', gpt: 'assistant' } as const;

/** Reads a ShareGPT JSON file (a list of conversations); a malformed record names the file, index and field. */
export function readShareGpt(file: string): ShareGptConversation[] {
  const v = readJsonFile(file);
  if (!Array.isArray(v)) throw new FileFormatError(file, '(root)', 'a JSON list of {id, conversations} records', typeof v);
  return v.map((r: unknown, i) => {
    const o = r as Record<string, unknown>;
    if (typeof o?.id !== 'string') throw new FileFormatError(file, `[${i}].id`, 'a string', JSON.stringify(o?.id));
    if (!Array.isArray(o.conversations)) throw new FileFormatError(file, `[${i}].conversations`, 'a list of turns', JSON.stringify(o.conversations));
    const turns = (o.conversations as unknown[]).map((t, j) => {
      const c = t as Record<string, unknown>;
      if (c?.from !== 'system' && c?.from !== 'human' && c?.from !== 'gpt') throw new FileFormatError(file, `[${i}].conversations[${j}].from`, 'system, human or gpt', JSON.stringify(c?.from));
      if (typeof c.value !== 'string') throw new FileFormatError(file, `[${i}].conversations[${j}].value`, 'a string', JSON.stringify(c.value));
      return { from: c.from as 'system' | 'human' | 'gpt', value: c.value };
    });
    return { id: o.id, conversations: turns };
  });
}

/**
 * The conversation as chat messages, or null when it has no answered human turn or its roles do not alternate
 * (FastChat asserts alternation; an import skips such records and counts them).
 */
export function shareGptMessages(c: ShareGptConversation): Message[] | null {
  let turns = c.conversations;
  const system = turns[0]?.from === 'system' ? turns[0].value : null;
  if (system !== null) turns = turns.slice(1);
  if (turns[0] && turns[0].from !== 'human') turns = turns.slice(1); // FastChat: "Skip the first one if it is not from human"
  if (turns.length % 2 === 1) turns = turns.slice(0, -1);
  if (turns.length === 0) return null;
  for (let j = 0; j < turns.length; j++) if (turns[j]!.from !== (j % 2 === 0 ? 'human' : 'gpt')) return null;
  const messages: Message[] = system === null ? [] : [{ role: 'system', content: system }];
  for (const t of turns) messages.push({ role: ROLE[t.from], content: t.value });
  return messages;
}

/**
 * Splits a chat into consecutive runs of (user, assistant) pairs whose formatted length stays within
 * `maxTokens` (FastChat split_long_conversation.py, with exact template lengths instead of its +6 estimate).
 * A single pair longer than `maxTokens` cannot be trained on whole and is dropped.
 */
export function splitLongConversation(tok: Tokenizer, messages: readonly Message[], maxTokens: number, template: ChatTemplateName): Message[][] {
  const system = messages[0]?.role === 'system' ? [messages[0]] : [];
  const rest = messages.slice(system.length);
  const length = (ms: Message[]) => formatChat(tok, ms, { template, addGenerationPrompt: false }).ids.length;
  const out: Message[][] = [];
  let cur: Message[] = [];
  for (let j = 0; j + 1 < rest.length; j += 2) {
    const pair = [rest[j]!, rest[j + 1]!];
    if (length([...system, ...cur, ...pair]) <= maxTokens) {
      cur.push(...pair);
      continue;
    }
    if (cur.length > 0) out.push([...system, ...cur]);
    cur = length([...system, ...pair]) <= maxTokens ? pair : [];
  }
  if (cur.length > 0) out.push([...system, ...cur]);
  return out;
}
