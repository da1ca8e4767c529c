// Llama 2 chat format (meta/llama llama/generation.py `chat_completion`, recipe §3): the system prompt is merged
// into the first user turn as `<<SYS>>\n{system}\n<</SYS>>\n\n{user}`; each finished exchange is
// BOS "[INST] {user.strip()} [/INST] {answer.strip()} " EOS, and the open user turn is BOS "[INST] {user.strip()} [/INST]".
// Each exchange is encoded on its own with SentencePiece's dummy prefix, as Meta's code does.
import { ConfigError } from '../util/errors.js';
import { messageText, type ChatMessage, type ChatOptions, type ChatSegment } from './chat-templates.js';
import type { Tokenizer } from './types.js';

const B_INST = '[INST]';
const E_INST = '[/INST]';
const B_SYS = '<<SYS>>\n';
const E_SYS = '\n<</SYS>>\n\n';

export function llama2Segments(tok: Tokenizer, messages: ChatMessage[], opts: ChatOptions): ChatSegment[] {
  const where = 'chat template llama2';
  let dialog = messages.map((m, i) => ({ role: m.role, content: messageText(m, i, 'llama2') }));
  if (dialog[0]?.role === 'system') {
    if (dialog.length < 2) throw new ConfigError(where, 'messages', 'a user message after the system message', 'none');
    dialog = [{ role: dialog[1]!.role, content: B_SYS + dialog[0].content + E_SYS + dialog[1]!.content }, ...dialog.slice(2)];
  }
  dialog.forEach((m, i) => {
    const want = i % 2 === 0 ? 'user' : 'assistant';
    if (m.role !== want) throw new ConfigError(where, `messages[${i}].role`, `"${want}" (Llama 2 roles alternate user/assistant after an optional system)`, JSON.stringify(m.role));
  });
  const open = dialog.length % 2 === 1;
  if ((opts.addGenerationPrompt ?? true) && !open) throw new ConfigError(where, 'messages', 'to end with a user message when addGenerationPrompt is on', 'an assistant message');
  const segs: ChatSegment[] = [];
  for (let i = 0; i < dialog.length; i += 2) {
    segs.push({ id: tok.bos }, { text: B_INST, format: true }, { text: ` ${dialog[i]!.content.trim()}` }, { text: ` ${E_INST}`, format: true });
    const answer = dialog[i + 1];
    if (answer) segs.push({ text: ` ${answer.content.trim()} `, answer: true }, { id: tok.eos, answer: true });
  }
  return segs;
}
