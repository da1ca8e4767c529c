// `llamats eval --config FILE.json`: models answer the world's held-out prompts (and its held-out safety set),
// the judge scores them, and the results come out as eval.json (every number), eval.md (tables), SVG charts and
// one responses file per model. Optional: judged win rates between models on the same prompts (the judge is
// exact, so answer order cannot bias it — Llama 2 §3.4.2 swaps orders for its model judges), and reward-model
// accuracy per rating bucket on held-out pairs (Llama 2 Table 8) with RM score vs judge scatter plots.
import { z } from 'zod';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { loadInferenceModel } from '../model/load.js';
import { ConfigError, FileFormatError } from '../util/errors.js';
import { writeFileAtomic, writeJsonl } from '../util/fs.js';
import { log } from '../util/progress.js';
import { parseStageConfig, readStageConfig } from '../align/stage-config.js';
import { worldPairs } from '../align/data/preferences.js';
import { evaluateRewardModel, type RewardEvaluation } from '../align/reward-eval.js';
import { loadRewardModel } from '../align/reward.js';
import { rngFor } from '../align/world/seeded.js';
import { createWorld, DEFAULT_ANNOTATOR, winRate, type WinRate, type WorldConfig } from '../align/world/index.js';
import { familyTable, helpfulnessChart, metricsTable, rewardAccuracyChart, rewardAccuracyTable, rewardScatter, safetyChart, winRateTable, type ModelResult } from './report.js';
import { judgeAll, respond, type JudgedRow } from './world-eval.js';

const int = (min: number) => z.number().int().min(min);
const TEMPLATES = ['llama2', 'llama3', 'llama3.1'] as const;

export const EvalRunSchema = z.strictObject({
  out: z.string().min(1),
  world: z.record(z.string(), z.unknown()).default({}),
  prompts: z.strictObject({
    /** Held-out prompts (every family; unseen phrasings and the unseen task tagged). */
    heldout: int(1).default(300),
    /** The held-out safety set (unsafe requests + borderline look-alikes) for violation / false-refusal rates. */
    safety: int(0).default(100),
    /** Share of prompts (of facts, arithmetic, lists) with system constraints. */
    systemRate: z.number().min(0).max(1).default(0.1),
    /**
     * Prompt stream of the held-out split ("eval": the reported numbers; its safety set is "<stream>-safety").
     * Another name (e.g. "validation") draws different held-out prompts for choosing settings without looking
     * at the reported ones.
     */
    stream: z.string().min(1).default('eval'),
  }).prefault({}),
  /** Greedy by default (recipe §15: scores that do not depend on a seed); temperature > 0 samples (top-p). */
  generation: z.strictObject({
    maxTokens: int(1).default(96),
    temperature: z.number().min(0).max(10).default(0),
    topP: z.number().gt(0).max(1).default(1),
    seed: int(0).default(0),
    batch: int(1).default(32),
  }).prefault({}),
  models: z.array(z.strictObject({
    name: z.string().min(1),
    path: z.string().min(1),
    /** 'chat' = the chat template; 'alpaca' = the Alpaca ### template (models tuned on Alpaca data). */
    format: z.enum(['chat', 'alpaca']).default('chat'),
    template: z.enum(TEMPLATES).default('llama3'),
  })).default([]),
  /** Pairs [A, B] of model names: A's judged win / tie / loss against B on the same prompts. */
  winRates: z.array(z.tuple([z.string(), z.string()])).default([]),
  /** Judged helpfulness difference below which two answers tie. */
  tie: z.number().min(0).default(0.02),
  rewardModels: z.array(z.strictObject({
    name: z.string().min(1),
    /** A reward-model folder (model.gguf + reward_head.json). */
    path: z.string().min(1),
    /** Held-out prompts per test set (helpfulness pairs, safety pairs). */
    prompts: int(1).default(300),
  })).default([]),
});
export type EvalRunConfig = z.infer<typeof EvalRunSchema>;

export const parseEvalRun = (json: unknown, source = 'eval config'): EvalRunConfig => parseStageConfig(EvalRunSchema, json, source);
export const readEvalRun = (path: string): EvalRunConfig => readStageConfig(path, parseEvalRun);

export interface EvalReport {
  models: ModelResult[];
  winRates: { a: string; b: string; result: WinRate }[];
  rewardModels: { name: string; on: 'helpfulness' | 'safety'; eval: RewardEvaluation }[];
  /** Markdown tables, as written to eval.md. */
  markdown: string;
  seconds: number;
}

export function runEval(cfg: EvalRunConfig, opts: { quiet?: boolean } = {}): EvalReport {
  const t0 = performance.now();
  if (cfg.models.length === 0 && cfg.rewardModels.length === 0) throw new ConfigError('eval config', 'models', 'at least one model or reward model to evaluate', 'none');
  const names = new Set(cfg.models.map((m) => m.name));
  if (names.size !== cfg.models.length) throw new ConfigError('eval config', 'models', 'distinct names', JSON.stringify(cfg.models.map((m) => m.name)));
  for (const [a, b] of cfg.winRates) for (const x of [a, b]) if (!names.has(x)) throw new ConfigError('eval config', 'winRates', `names from models (${[...names].join(', ')})`, JSON.stringify(x));
  const world = createWorld(cfg.world as Partial<WorldConfig>);
  const heldout = world.sample('heldout', cfg.prompts.heldout, { stream: cfg.prompts.stream, systemRate: cfg.prompts.systemRate });
  const safetySet = cfg.prompts.safety > 0 ? world.sample('heldout', cfg.prompts.safety, { stream: `${cfg.prompts.stream}-safety`, mix: { safety: 1 } }) : [];
  mkdirSync(cfg.out, { recursive: true });

  const results: ModelResult[] = [];
  const judged = new Map<string, JudgedRow[]>();
  for (const m of cfg.models) {
    const loaded = loadInferenceModel(m.path);
    if (!loaded.tokenizer) throw new FileFormatError(m.path, 'tokenizer', 'a tokenizer stored with the model', 'none');
    log(`eval: ${m.name}: ${heldout.length} held-out + ${safetySet.length} safety prompts`);
    const em = { name: m.name, decoder: loaded.decoder, tokenizer: loaded.tokenizer, format: m.format, template: m.template };
    const main = judgeAll(heldout, respond(em, heldout, cfg.generation));
    const safe = safetySet.length > 0 ? judgeAll(safetySet, respond(em, safetySet, cfg.generation)) : null;
    judged.set(m.name, main.rows);
    writeJsonl(join(cfg.out, `responses-${m.name.replace(/[^A-Za-z0-9._-]+/g, '_')}.jsonl`), [...main.rows, ...(safe?.rows ?? [])]);
    results.push({ name: m.name, metrics: main.metrics, ...(safe ? { safety: safe.metrics } : {}) });
  }
  const winRates = cfg.winRates.map(([a, b]) => ({
    a, b, result: winRate(judged.get(a)!.map((r) => r.helpfulness), judged.get(b)!.map((r) => r.helpfulness), cfg.tie),
  }));

  const rewardModels: EvalReport['rewardModels'] = [];
  for (const r of cfg.rewardModels) {
    const rm = loadRewardModel(r.path);
    for (const on of ['helpfulness', 'safety'] as const) {
      const rows = worldPairs(world, 'heldout', on, r.prompts, rngFor(world.config.seed, `eval|rm|${on}`), DEFAULT_ANNOTATOR, { stream: `eval-rm-${on}`, systemRate: cfg.prompts.systemRate });
      rewardModels.push({ name: r.name, on, eval: evaluateRewardModel(rm.rm, rm.tokenizer, rows, rm.meta.template, rm.rm.config.maxSeqLen) });
    }
  }

  const sections: string[] = [];
  if (results.length > 0) {
    sections.push('## World metrics (held-out prompts)', metricsTable(results), '', '### Helpfulness per family', familyTable(results));
    writeFileAtomic(join(cfg.out, 'helpfulness.svg'), helpfulnessChart(results));
    writeFileAtomic(join(cfg.out, 'safety.svg'), safetyChart(results));
  }
  if (winRates.length > 0) sections.push('', '## Judged win rates', winRateTable(winRates));
  if (rewardModels.length > 0) {
    const named = rewardModels.map((r) => ({ name: `${r.name} on ${r.on} pairs`, eval: r.eval }));
    sections.push('', '## Reward-model accuracy per rating (held-out pairs)', rewardAccuracyTable(named));
    writeFileAtomic(join(cfg.out, 'rm-accuracy.svg'), rewardAccuracyChart(named));
    named.forEach((r, i) => writeFileAtomic(join(cfg.out, `rm-scatter-${i}.svg`), rewardScatter(r.name, r.eval)));
  }
  const markdown = `${sections.join('\n')}\n`;
  writeFileAtomic(join(cfg.out, 'eval.md'), markdown);
  const report: EvalReport = { models: results, winRates, rewardModels, markdown, seconds: (performance.now() - t0) / 1000 };
  const forJson = { ...report, rewardModels: rewardModels.map((r) => ({ ...r, eval: { ...r.eval, points: r.eval.points.length } })) };
  writeFileAtomic(join(cfg.out, 'eval.json'), `${JSON.stringify(forJson, null, 2)}\n`);
  return report;
}
