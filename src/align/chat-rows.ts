// A prompt and a response as one scored row for sequenceLogProbs: the chat is formatted to ids by the tokenizer's
// chat template (formatChat), and only the final assistant turn's tokens are scored, minus the template's format
// tokens (Llama 3 §4.1.4: "we mask out special formatting tokens including header and termination tokens from
// both chosen and rejected responses in the loss"; their identical log-probs would only add noise, and pushing
// the terminator down in the rejected response teaches the model to stop less).
import type { Message } from './world/index.js';
import { formatChat, type ChatTemplateName } from '../tokenizer/chat-templates.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { ShapeError } from '../util/errors.js';
import type { ScoredSequence } from './policy-logprobs.js';

export interface ChatRowOptions {
  /** Default: formatChat's default for the tokenizer (must match the template the model was fine-tuned with). */
  template?: ChatTemplateName;
  /** Leave the format tokens (headers, <|eot_id|>, EOS) out of the score (default true). */
  maskFormat?: boolean;
}

/** ids of prompt + response; mask = the final assistant message's tokens (without format tokens by default). */
export function responseRow(tok: Tokenizer, prompt: readonly Message[], response: string, opts: ChatRowOptions = {}): ScoredSequence {
  const chat = formatChat(tok, [...prompt, { role: 'assistant', content: response }], { addGenerationPrompt: false, ...(opts.template ? { template: opts.template } : {}) });
  const mask = lastRunMask(chat.assistantMask);
  if (opts.maskFormat ?? true) for (let i = 0; i < mask.length; i++) if (chat.formatMask[i]) mask[i] = 0;
  return { ids: chat.ids, mask };
}

/** The prompt's ids ending with the assistant header, as the model sees it before answering. */
export function promptIds(tok: Tokenizer, prompt: readonly Message[], template?: ChatTemplateName): number[] {
  return formatChat(tok, [...prompt], { addGenerationPrompt: true, ...(template ? { template } : {}) }).ids;
}

/** A copy of `assistantMask` keeping only its last run of ones (the final assistant turn). */
export function lastRunMask(assistantMask: Uint8Array): Uint8Array {
  const out = new Uint8Array(assistantMask.length);
  let i = assistantMask.length - 1;
  while (i >= 0 && !assistantMask[i]) i--;
  if (i < 0) throw new ShapeError('responseRow', 'assistant mask', 'at least one assistant token', 'none');
  while (i >= 0 && assistantMask[i]) out[i--] = 1;
  return out;
}
