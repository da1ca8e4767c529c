// A training example as the SFT loss sees it: input tokens and, per input position, the next token to predict or
// IGNORE_INDEX. Only answer tokens are targets (Llama 2 §3.1: "we zero-out the loss on tokens from the user
// prompt"; Llama 3 §4.1.3), so with next-token prediction
//     targets[i] = ids[i + 1]   when ids[i + 1] is an answer token (its closing <|eot_id|> / EOS included),
//                  IGNORE_INDEX otherwise,
// and the inputs are ids[0 … n − 2] (the last id is never an input: nothing is conditioned on it).
// Multi-turn chats get targets on every assistant turn (Vicuna: "loss only on assistant turns").
import { IGNORE_INDEX } from '../../tensor/index.js';
import { formatChat, type ChatTemplateName } from '../../tokenizer/chat-templates.js';
import type { Tokenizer } from '../../tokenizer/types.js';
import { ShapeError } from '../../util/errors.js';
import type { Message } from '../world/index.js';

export interface LossSequence {
  /** Input ids (n − 1 of the formatted n). */
  tokens: Int32Array;
  /** Next-token target per input, IGNORE_INDEX outside the answers. */
  targets: Int32Array;
}

/** Shifts formatted ids and their answer mask (1 = answer token) into inputs and answer-only targets. */
export function maskedSequence(ids: readonly number[], answerMask: ArrayLike<number>): LossSequence {
  if (ids.length !== answerMask.length) throw new ShapeError('maskedSequence', 'answer mask', `${ids.length} entries (one per id)`, `${answerMask.length}`);
  if (ids.length < 2) throw new ShapeError('maskedSequence', 'ids', 'at least 2 tokens', `${ids.length}`);
  const n = ids.length - 1;
  const tokens = new Int32Array(n);
  const targets = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    tokens[i] = ids[i]!;
    targets[i] = answerMask[i + 1] ? ids[i + 1]! : IGNORE_INDEX;
  }
  return { tokens, targets };
}

/**
 * A chat ending in (or containing) assistant turns, formatted with a chat template (recipe §3) and masked so that
 * every assistant answer, with its terminator, is a target and nothing else is.
 */
export function chatSequence(tok: Tokenizer, messages: readonly Message[], template: ChatTemplateName): LossSequence {
  const f = formatChat(tok, [...messages], { template, addGenerationPrompt: false });
  return maskedSequence(f.ids, f.assistantMask);
}

/**
 * BOS + prompt (no loss) + answer + EOS (the loss), as Alpaca's train.py. Prompt and answer are encoded apart,
 * exactly as at inference, where the prompt is encoded alone and the model continues it: encoding them as one
 * string would let a pre-token straddle the boundary (":hi" after "### Response:" is one Llama 3 pre-token).
 */
export function completionSequence(tok: Tokenizer, prompt: string, answer: string): LossSequence {
  const p = tok.encode(prompt, { bos: true });
  const a = tok.encode(answer);
  const ids = [...p, ...a, tok.eos];
  const mask = new Uint8Array(ids.length).fill(1, p.length);
  return maskedSequence(ids, mask);
}

/** Number of positions that carry a target. */
export function countTargets(targets: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < targets.length; i++) if (targets[i] !== IGNORE_INDEX) n++;
  return n;
}
