// The world's configuration: one typed object with defaults, checked field by field (unknown keys are errors, as
// in nanoGPT's configurator), so a JSON config or CLI flags fail with the field named.
import { ConfigError } from '../../util/errors.js';
import { KB_SIZES, type KbSize } from './kb.js';
import { FAMILIES, type Family } from './types.js';
import { TASKS } from './tasks/index.js';

export type WorldSize = keyof typeof KB_SIZES;

export interface WorldConfig {
  seed: number;
  /** KB size preset: small (≈54 entities) or default (≈132). */
  size: WorldSize;
  /** Share of prompt contents (facts, words, expressions …) reserved for the held-out split. */
  heldOutFraction: number;
  /** Tasks never seen in train (generalisation to an unseen sub-family). */
  heldOutTasks: string[];
  /** Phrasings per task (with ≥ 3) never seen in train. */
  heldOutTemplatesPerTask: number;
  /** Relative weight of each family when sampling. Llama 3 §5.4: small models need a larger safety share. */
  mix: Record<Family, number>;
}

export const DEFAULT_MIX: Record<Family, number> = { facts: 0.3, strings: 0.1, arithmetic: 0.15, lists: 0.1, format: 0.1, code: 0.1, safety: 0.15 };

export const DEFAULT_WORLD_CONFIG: WorldConfig = {
  seed: 1,
  size: 'default',
  heldOutFraction: 0.2,
  heldOutTasks: ['lists.min'], // lists.max is in train: "smallest" must generalise from "largest"
  heldOutTemplatesPerTask: 1,
  mix: DEFAULT_MIX,
};

export function kbSizeOf(cfg: WorldConfig): KbSize {
  return KB_SIZES[cfg.size];
}

/** Defaults overlaid with `input`; throws ConfigError naming `source` and the bad field. */
export function parseWorldConfig(input: unknown, source = 'world config'): WorldConfig {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new ConfigError(source, '(root)', 'an object', JSON.stringify(input));
  const o = input as Record<string, unknown>;
  const bad = (field: string, expected: string) => new ConfigError(source, field, expected, JSON.stringify(o[field]));
  for (const k of Object.keys(o)) if (!(k in DEFAULT_WORLD_CONFIG)) throw new ConfigError(source, k, `one of ${Object.keys(DEFAULT_WORLD_CONFIG).join(', ')}`, 'an unknown key');
  const cfg: WorldConfig = { ...DEFAULT_WORLD_CONFIG, mix: { ...DEFAULT_MIX } };
  if (o.seed !== undefined) {
    if (!Number.isInteger(o.seed) || (o.seed as number) < 0 || (o.seed as number) > 0xffffffff) throw bad('seed', 'an integer in 0..4294967295');
    cfg.seed = o.seed as number;
  }
  if (o.size !== undefined) {
    if (typeof o.size !== 'string' || !(o.size in KB_SIZES)) throw bad('size', `one of ${Object.keys(KB_SIZES).join(', ')}`);
    cfg.size = o.size as WorldSize;
  }
  if (o.heldOutFraction !== undefined) {
    if (typeof o.heldOutFraction !== 'number' || !(o.heldOutFraction > 0 && o.heldOutFraction < 1)) throw bad('heldOutFraction', 'a number strictly between 0 and 1');
    cfg.heldOutFraction = o.heldOutFraction;
  }
  if (o.heldOutTasks !== undefined) {
    const ids = TASKS.map((t) => t.id);
    if (!Array.isArray(o.heldOutTasks) || !o.heldOutTasks.every((t) => typeof t === 'string' && ids.includes(t))) throw bad('heldOutTasks', `a list of task ids from ${ids.join(', ')}`);
    cfg.heldOutTasks = o.heldOutTasks as string[];
  }
  if (o.heldOutTemplatesPerTask !== undefined) {
    if (!Number.isInteger(o.heldOutTemplatesPerTask) || (o.heldOutTemplatesPerTask as number) < 0 || (o.heldOutTemplatesPerTask as number) > 1) throw bad('heldOutTemplatesPerTask', '0 or 1');
    cfg.heldOutTemplatesPerTask = o.heldOutTemplatesPerTask as number;
  }
  if (o.mix !== undefined) {
    const m = o.mix as Record<string, unknown>;
    if (m === null || typeof m !== 'object' || Array.isArray(m)) throw bad('mix', 'an object of family weights');
    for (const [k, v] of Object.entries(m)) {
      if (!FAMILIES.includes(k as Family)) throw new ConfigError(source, `mix.${k}`, `a family (${FAMILIES.join(', ')})`, 'an unknown key');
      if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) throw new ConfigError(source, `mix.${k}`, 'a finite weight ≥ 0', JSON.stringify(v));
      cfg.mix[k as Family] = v;
    }
    if (FAMILIES.every((f) => cfg.mix[f] === 0)) throw bad('mix', 'at least one positive weight');
  }
  return cfg;
}
