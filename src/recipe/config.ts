// The configuration of the end-to-end recipe (`npm start`, `llamats start`): one typed object whose parts are
// the stage configs (each stage's own schema checks its part), with defaults sized so the whole recipe runs in
// ≤ 20 minutes on 2 cores, and a `quick` variant (≤ 3 minutes) for tests.
import { z } from 'zod';
import { ConfigError } from '../util/errors.js';
import { readJsonFile } from '../util/fs.js';

const overrides = z.record(z.string(), z.unknown()).default({});

export const RecipeConfigSchema = z.strictObject({
  /** Run folder: one sub-folder per stage, the report and the exported chat model. */
  out: z.string().min(1).default('runs/recipe'),
  /** One seed reproduces every number in the report. */
  seed: z.number().int().min(0).default(1),
  /** The quick variant: smaller world, corpus and step counts (tests, a first look). */
  quick: z.boolean().default(false),
  world: z.strictObject({ size: z.enum(['small', 'default']).default('small'), corpusDocs: z.number().int().min(0).default(3000) }).prefault({}),
  /** Overrides of the data pipeline config (src/data/config.ts): filters, mix, injected ground truth. */
  data: overrides,
  /** Overrides of the pretraining config (src/train/config.ts): model preset, schedule, stages, optimiser. */
  pretrain: overrides,
  /** Overrides of each post-training stage's run config (src/align/*-run.ts, src/eval/run.ts). */
  sft: overrides,
  rm: overrides,
  rs: overrides,
  dpo: overrides,
  ppo: overrides,
  gatt: overrides,
  eval: overrides,
  /** Skip post-training (pretraining and exports only). */
  pretrainOnly: z.boolean().default(false),
});

export type RecipeConfig = z.infer<typeof RecipeConfigSchema>;

export function parseRecipeConfig(json: unknown, source: string): RecipeConfig {
  const r = RecipeConfigSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new ConfigError(source, issue.path.join('.') || '(root)', issue.message, undefined);
  }
  return r.data;
}

export function readRecipeConfig(path: string): RecipeConfig {
  return parseRecipeConfig(readJsonFile(path), path);
}

/** Deep merge of plain objects (arrays and scalars replace). */
export function merge<T>(base: T, over: unknown): T {
  if (over === undefined) return base;
  if (typeof base !== 'object' || base === null || Array.isArray(base) || typeof over !== 'object' || over === null || Array.isArray(over)) return over as T;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over as Record<string, unknown>)) out[k] = merge(out[k], v);
  return out as T;
}
