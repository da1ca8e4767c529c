// The sampling flags `llamats generate` and `llamats chat` share (docs/cli-contract.md), parsed into
// GenerateOptions with errors that name the flag. Defaults are the Llama releases' (recipe §3).
import { randomInt } from 'node:crypto';
import type { GenerateOptions } from '../generate/options.js';
import { numberFlag } from './command.js';

export const samplingFlags = {
  'max-tokens': { type: 'string' },
  temperature: { type: 'string' },
  'top-k': { type: 'string' },
  'top-p': { type: 'string' },
  'min-p': { type: 'string' },
  'repeat-penalty': { type: 'string' },
  'repeat-last-n': { type: 'string' },
  'frequency-penalty': { type: 'string' },
  'presence-penalty': { type: 'string' },
  seed: { type: 'string' },
  stop: { type: 'string', multiple: true },
} as const;

export const samplingUsage = (maxTokens: number): string => `
Sampling (defaults: the Llama releases', temperature 0.6 and top-p 0.9):
  --max-tokens N          tokens to generate at most (default ${maxTokens})
  --temperature T         0 = greedy (always the most likely token)
  --top-k K               keep the K most likely tokens (0 = off)
  --top-p P               nucleus: smallest set of tokens with mass ≥ P (1 = off)
  --min-p P               drop tokens less likely than P × the most likely (0 = off)
  --repeat-penalty R      CTRL repetition penalty over the last --repeat-last-n tokens (1 = off; default n 64)
  --frequency-penalty F   OpenAI frequency penalty (0 = off)
  --presence-penalty P    OpenAI presence penalty (0 = off)
  --seed S                seed of the sampler (default random; printed on stderr so a run can be repeated)
  --stop TEXT             stop before this text (repeatable); the model's stop tokens always stop`;

type SamplingValues = { [K in keyof typeof samplingFlags]?: K extends 'stop' ? string[] : string };

export function samplingFromFlags(cmd: string, v: SamplingValues, maxTokensDefault: number): Partial<GenerateOptions> {
  const num = (flag: keyof typeof samplingFlags, fallback: number, o: { integer?: boolean; min?: number; max?: number } = {}) =>
    numberFlag(cmd, flag, v[flag] as string | undefined, fallback, o);
  return {
    maxTokens: num('max-tokens', maxTokensDefault, { integer: true, min: 1 }),
    temperature: num('temperature', 0.6, { min: 0, max: 100 }),
    topK: num('top-k', 0, { integer: true, min: 0 }),
    topP: num('top-p', 0.9, { min: 1e-9, max: 1 }),
    minP: num('min-p', 0, { min: 0, max: 1 }),
    repeatPenalty: num('repeat-penalty', 1, { min: 1e-9, max: 100 }),
    repeatLastN: num('repeat-last-n', 64, { integer: true, min: -1 }),
    frequencyPenalty: num('frequency-penalty', 0, { min: -2, max: 2 }),
    presencePenalty: num('presence-penalty', 0, { min: -2, max: 2 }),
    seed: num('seed', randomInt(0, 2 ** 32 - 1), { integer: true, min: 0, max: 2 ** 32 - 1 }),
    stop: v.stop ?? [],
  };
}
