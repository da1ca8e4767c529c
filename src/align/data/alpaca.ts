// Alpaca-format instruction data (recipe §13; tatsu-lab/stanford_alpaca train.py): records
// {instruction, input, output} rendered with two fixed prompt templates, the output followed by EOS, and the prompt
// labels set to −100 (IGNORE_INDEX) so only output + EOS are trained on. At inference the model is given the same
// template up to "### Response:" and writes until EOS.
import type { Tokenizer } from '../../tokenizer/types.js';
import { FileFormatError } from '../../util/errors.js';
import { readJsonFile } from '../../util/fs.js';
import type { AlpacaExample } from '../world/index.js';
import { completionSequence, type LossSequence } from './sequence.js';

/** stanford_alpaca PROMPT_DICT, verbatim. */
export const ALPACA_PROMPTS = {
  input:
    'Below is an instruction that describes a task, paired with an input that provides further context. ' +
    'Write a response that appropriately completes the request.\n\n' +
    '### Instruction:\n{instruction}\n\n### Input:\n{input}\n\n### Response:',
  noInput:
    'Below is an instruction that describes a task. ' +
    'Write a response that appropriately completes the request.\n\n' +
    '### Instruction:\n{instruction}\n\n### Response:',
} as const;

/** The prompt text of a record (the "prompt_input" template when it has an input, else "prompt_no_input"). */
export function alpacaPrompt(r: Pick<AlpacaExample, 'instruction' | 'input'>): string {
  const t = r.input === '' ? ALPACA_PROMPTS.noInput : ALPACA_PROMPTS.input;
  // One pass over the template, so braces inside the instruction are never re-substituted.
  return t.replace(/\{(instruction|input)\}/g, (_, k: 'instruction' | 'input') => r[k]);
}

/** BOS + prompt (no loss) + output + EOS (the loss), as stanford_alpaca's `preprocess`. */
export function alpacaSequence(tok: Tokenizer, r: AlpacaExample): LossSequence {
  return completionSequence(tok, alpacaPrompt(r), r.output);
}

/** Reads an Alpaca JSON file (a list of records); a bad record names the file, index and field. */
export function readAlpaca(file: string): AlpacaExample[] {
  const v = readJsonFile(file);
  if (!Array.isArray(v)) throw new FileFormatError(file, '(root)', 'a JSON list of {instruction, input, output} records', typeof v);
  return v.map((r: unknown, i) => {
    const o = r as Record<string, unknown>;
    for (const k of ['instruction', 'output'] as const) {
      if (typeof o?.[k] !== 'string') throw new FileFormatError(file, `[${i}].${k}`, 'a string', JSON.stringify(o?.[k]));
    }
    if (o.input !== undefined && typeof o.input !== 'string') throw new FileFormatError(file, `[${i}].input`, 'a string (or absent)', JSON.stringify(o.input));
    return { instruction: o.instruction as string, input: (o.input as string | undefined) ?? '', output: o.output as string };
  });
}
