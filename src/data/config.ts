// The data pipeline's configuration: one JSON object whose every section has paper defaults, merged strictly
// (an unknown key or a value of the wrong type is an error naming the file and the field, as nanoGPT's
// configurator does for its keys).
import { ConfigError } from '../util/errors.js';
import { readJsonFile } from '../util/fs.js';
import { HEURISTIC_DEFAULTS, type HeuristicConfig } from './heuristics.js';
import { LINE_DEDUP_DEFAULTS, type LineDedupConfig } from './line-dedup.js';
import { LLAMA3_ANNEALING_UPSAMPLE, LLAMA3_MIX } from './mix.js';
import { MINHASH_DEFAULTS, type MinHashDedupConfig } from './minhash-dedup.js';
import { QUALITY_DEFAULTS, type QualityConfig } from './quality/quality-filter.js';
import { BUNDLED_SOURCES, SOURCE_KINDS, type SourceSpec } from './sources.js';

export interface InjectConfig {
  /** Edited copies of corpus documents (ground truth for dedup recall/precision). */
  nearDuplicates: number;
  /** Generated junk documents (ground truth for what the filters catch). */
  junk: number;
  seed: number;
}

export interface DataConfig {
  sources: SourceSpec[];
  inject: InjectConfig;
  minhash: MinHashDedupConfig;
  lineDedup: LineDedupConfig;
  heuristics: HeuristicConfig;
  quality: QualityConfig;
  /** Token shares per domain (Llama 3 §3.1.2). */
  mix: Record<string, number>;
  /** Up-sampling factors of the annealing mix (Llama 3 §3.4). */
  annealing: Record<string, number>;
}

export const DATA_DEFAULTS: DataConfig = {
  sources: BUNDLED_SOURCES,
  inject: { nearDuplicates: 300, junk: 160, seed: 7 },
  minhash: MINHASH_DEFAULTS,
  lineDedup: LINE_DEDUP_DEFAULTS,
  heuristics: HEURISTIC_DEFAULTS,
  quality: QUALITY_DEFAULTS,
  mix: { ...LLAMA3_MIX },
  annealing: { ...LLAMA3_ANNEALING_UPSAMPLE },
};

const kindOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** `defaults` overridden by `given`, which may only use keys of `defaults` with values of the same kind
 * (a null default accepts a number; an object default accepts null, "switched off"). Records of numbers (mix weights) take any key. */
export function mergeStrict<T extends object>(source: string, field: string, defaults: T, given: unknown, openKeys = false): T {
  if (given === undefined) return structuredClone(defaults);
  if (kindOf(given) !== 'object') throw new ConfigError(source, field, 'an object', kindOf(given));
  const out = structuredClone(defaults) as Record<string, unknown>;
  for (const [k, v] of Object.entries(given as Record<string, unknown>)) {
    const path = `${field}.${k}`;
    const d = (defaults as Record<string, unknown>)[k];
    if (openKeys) {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ConfigError(source, path, 'a finite number ≥ 0', JSON.stringify(v));
      out[k] = v;
      continue;
    }
    if (!(k in defaults)) throw new ConfigError(source, path, `one of the keys ${Object.keys(defaults).join(', ')}`, JSON.stringify(k));
    const ok = kindOf(d) === kindOf(v) || (d === null && typeof v === 'number') || (v === null && kindOf(d) === 'object');
    if (!ok) throw new ConfigError(source, path, `a value of type ${kindOf(d)}`, `${kindOf(v)} ${JSON.stringify(v)}`);
    out[k] = kindOf(d) === 'object' && v !== null ? mergeStrict(source, path, d as object, v, Object.values(d as object).every((x) => typeof x === 'number')) : v;
  }
  return out as T;
}

function parseSources(source: string, given: unknown): SourceSpec[] {
  if (given === undefined) return structuredClone(BUNDLED_SOURCES);
  if (!Array.isArray(given) || given.length === 0) throw new ConfigError(source, 'sources', 'a non-empty array of source objects', kindOf(given));
  return given.map((s, i) => {
    const kind = (s as { kind?: unknown })?.kind;
    if (!SOURCE_KINDS.includes(kind as SourceSpec['kind'])) throw new ConfigError(source, `sources[${i}].kind`, `one of ${SOURCE_KINDS.join(', ')}`, JSON.stringify(kind));
    if (kind === 'folder' && typeof (s as { path?: unknown }).path !== 'string') throw new ConfigError(source, `sources[${i}].path`, 'a folder path (string)', JSON.stringify((s as { path?: unknown }).path));
    if (kind === 'math' && !Number.isInteger((s as { count?: unknown }).count)) throw new ConfigError(source, `sources[${i}].count`, 'an integer number of worksheets', JSON.stringify((s as { count?: unknown }).count));
    const limit = (s as { limit?: unknown }).limit;
    if (limit !== undefined && !(Number.isInteger(limit) && (limit as number) >= 0)) throw new ConfigError(source, `sources[${i}].limit`, 'an integer ≥ 0', JSON.stringify(limit));
    return s as SourceSpec;
  });
}

/** A config from a parsed JSON value; `source` names it in errors (the file path). */
export function parseDataConfig(source: string, json: unknown): DataConfig {
  if (kindOf(json) !== 'object') throw new ConfigError(source, '(root)', 'a JSON object', kindOf(json));
  const j = json as Record<string, unknown>;
  for (const k of Object.keys(j)) if (!(k in DATA_DEFAULTS)) throw new ConfigError(source, k, `one of the keys ${Object.keys(DATA_DEFAULTS).join(', ')}`, JSON.stringify(k));
  const mix = j.mix === undefined ? { ...LLAMA3_MIX } : mergeStrict(source, 'mix', {}, j.mix, true);
  return {
    sources: parseSources(source, j.sources),
    inject: mergeStrict(source, 'inject', DATA_DEFAULTS.inject, j.inject),
    minhash: mergeStrict(source, 'minhash', DATA_DEFAULTS.minhash, j.minhash),
    lineDedup: mergeStrict(source, 'lineDedup', DATA_DEFAULTS.lineDedup, j.lineDedup),
    heuristics: mergeStrict(source, 'heuristics', DATA_DEFAULTS.heuristics, j.heuristics),
    quality: mergeStrict(source, 'quality', DATA_DEFAULTS.quality, j.quality),
    mix,
    annealing: j.annealing === undefined ? { ...LLAMA3_ANNEALING_UPSAMPLE } : mergeStrict(source, 'annealing', {}, j.annealing, true),
  };
}

export function readDataConfig(path: string): DataConfig {
  return parseDataConfig(path, readJsonFile(path));
}
