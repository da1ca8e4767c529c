// Shared pieces of the alignment stages' zod configs: the optimizer block (AdamW as Llama 2 §3.2.3 states it for
// PPO and §2.2 for pretraining: β 0.9/0.95, eps 1e-5, weight decay 0.1, clip 1.0; only the learning rate differs per
// stage) and parsing that turns zod's first issue into a ConfigError naming the field.
import { z } from 'zod';
import { existsSync } from 'node:fs';
import { ConfigError, FileFormatError } from '../util/errors.js';
import { readJsonFile } from '../util/fs.js';

export const optimSchema = (defaults: { lr: number; weightDecay?: number }) =>
  z.strictObject({
    lr: z.number().positive().default(defaults.lr),
    beta1: z.number().min(0).lt(1).default(0.9),
    beta2: z.number().min(0).lt(1).default(0.95),
    eps: z.number().positive().default(1e-5),
    weightDecay: z.number().min(0).default(defaults.weightDecay ?? 0.1),
    gradClip: z.number().min(0).default(1.0),
  }).prefault({});

/** Sampling settings for rollouts, rejection sampling and preference data (recipe §3 defaults T 0.6, top-p 0.9). */
export const samplingSchema = (defaults: { temperature: number; topP: number; maxTokens: number }) =>
  z.strictObject({
    temperature: z.number().min(0).max(10).default(defaults.temperature),
    topP: z.number().gt(0).max(1).default(defaults.topP),
    maxTokens: z.number().int().min(1).default(defaults.maxTokens),
  }).prefault({});

export function parseStageConfig<S extends z.ZodType>(schema: S, json: unknown, source: string): z.infer<S> {
  const r = schema.safeParse(json ?? {}, { reportInput: true });
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
  if (issue.code === 'unrecognized_keys') {
    const field = path ? `${path}.${issue.keys[0]}` : issue.keys[0]!;
    throw new ConfigError(source, field, 'no such key (unknown keys are errors, to catch typos)', JSON.stringify(issue.keys));
  }
  const got = 'input' in issue ? JSON.stringify(issue.input) : undefined;
  throw new ConfigError(source, path || '(root)', issue.message.replace(/^Invalid input: /, '').replace(/^expected /, ''), got?.slice(0, 80));
}

/** Reads a JSON config file and parses it with `parse` (errors name the file). */
export function readStageConfig<C>(path: string, parse: (json: unknown, source: string) => C): C {
  if (!existsSync(path)) throw new FileFormatError(path, 'file', 'a JSON stage config', 'no such file');
  return parse(readJsonFile(path), path);
}
