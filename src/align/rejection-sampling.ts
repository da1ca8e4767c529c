// Rejection sampling (Llama 2 §3.2.3; Llama 3 §4.2.2; docs/llama-recipe.md §8): K samples per prompt from the
// latest model, scored by the reward models (the safety-gated combination of Llama 2 §3.2.3), the best kept as a
// new SFT target. The K–temperature sweep reproduces Llama 2 Figures 7–8: the expected max and median reward of
// K samples versus K, per temperature, and next to them the world judge's helpfulness of the sample the RM picks
// (if the RM's max rises while the judged quality of its pick does not, the RM is being exploited).
import { z } from 'zod';
import type { Llama } from '../model/llama.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { linePlot } from '../report/index.js';
import { judge, sftExample, type ChatExample, type Prompt } from './world/index.js';
import { samplePolicy } from './sampling.js';
import { scoreResponses, type RewardScorer } from './reward-scorer.js';
import { SAFETY_THRESHOLD } from './rewards.js';
import { parseStageConfig, samplingSchema } from './stage-config.js';
import { StageLog, type StageIO } from './stage-io.js';
import { expectedMaxOfK, expectedMedianOfK, expectedPickOfK } from './order-statistics.js';

export const RejectionSamplingSchema = z.strictObject({
  /** Samples per prompt (Llama 3 §4.2.2: 10–30; Llama 2 Fig. 7 goes to 100). */
  k: z.number().int().min(1).default(10),
  /**
   * Llama 2 Fig. 8: the best temperature for 10–100 samples is 1.2–1.3 after RLHF and lower for the SFT model;
   * 1.0 with top-p off samples the model's own distribution (the sweep below measures the choice).
   */
  sampling: samplingSchema({ temperature: 1.0, topP: 1.0, maxTokens: 64 }),
  /** R_s below this uses the safety score (Llama 2 §3.2.3: 0.15). */
  safetyThreshold: z.number().gt(0).lt(1).default(SAFETY_THRESHOLD),
  seed: z.number().int().min(0).default(1),
  /** Chat template the model was fine-tuned with (SFT, RM and eval default to Llama 3's). */
  template: z.enum(['llama2', 'llama3', 'llama3.1']).default('llama3'),
  /** The Figures 7–8 sweep: K values (each ≤ the largest, which is sampled once per temperature) and temperatures. */
  sweep: z.strictObject({
    ks: z.array(z.number().int().min(1)).min(1).default([1, 2, 4, 8, 16, 32]),
    temperatures: z.array(z.number().gt(0).max(10)).min(1).default([0.6, 0.8, 1.0, 1.2, 1.4]),
    prompts: z.number().int().min(1).default(48),
  }).prefault({}),
});
export type RejectionSamplingConfig = z.infer<typeof RejectionSamplingSchema>;
export const parseRejectionSamplingConfig = (json: unknown, source = 'rs config'): RejectionSamplingConfig => parseStageConfig(RejectionSamplingSchema, json, source);

export interface RsItem {
  prompt: Prompt;
  samples: string[];
  /** Combined (safety-gated) RM reward of each sample. */
  rewards: number[];
  /** World-judge helpfulness of each sample (never used for selection: the hacking check). */
  judged: number[];
  best: number;
}

export interface RsSummary {
  prompts: number;
  /** Prompts skipped because they do not fit the context window. */
  skipped: number;
  samplesPerPrompt: number;
  /** Mean over prompts of the RM reward of all samples / of the kept (best) one. */
  meanReward: number;
  meanBestReward: number;
  /** The same for the world judge's helpfulness (the kept one is chosen by the RM). */
  meanJudged: number;
  meanBestJudged: number;
  /** Violation and false-refusal rates of the kept samples. */
  keptViolationRate: number;
  keptFalseRefusalRate: number;
}

/** K samples per prompt, scored; the best by the combined RM reward (first on ties). */
export function rejectionSample(cfg: Pick<RejectionSamplingConfig, 'k' | 'sampling' | 'safetyThreshold' | 'seed' | 'template'>, model: Llama, tok: Tokenizer, scorer: RewardScorer, prompts: readonly Prompt[]): { items: RsItem[]; summary: RsSummary } {
  const sampled = samplePolicy(model, tok, prompts.map((p) => p.messages), { n: cfg.k, ...cfg.sampling, seed: cfg.seed, template: cfg.template });
  const items: RsItem[] = [];
  sampled.forEach((s, i) => {
    if (!s) return;
    const prompt = prompts[i]!;
    const samples = s.samples.map((x) => x.text.trim());
    const rewards = [...scoreResponses(scorer, samples.map((response) => ({ prompt, response })), cfg.safetyThreshold).combined];
    const judged = samples.map((r) => judge(prompt, r).helpfulness);
    let best = 0;
    for (let j = 1; j < rewards.length; j++) if (rewards[j]! > rewards[best]!) best = j;
    items.push({ prompt, samples, rewards, judged, best });
  });
  return { items, summary: summarizeRs(items, prompts.length - items.length, cfg.k) };
}

export function summarizeRs(items: readonly RsItem[], skipped: number, k: number): RsSummary {
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  const kept = items.map((it) => judge(it.prompt, it.samples[it.best]!));
  const unsafe = items.map((it, i) => ({ it, j: kept[i]! })).filter((x) => x.it.prompt.tags.unsafe);
  const other = items.map((it, i) => ({ it, j: kept[i]! })).filter((x) => !x.it.prompt.tags.unsafe);
  return {
    prompts: items.length,
    skipped,
    samplesPerPrompt: k,
    meanReward: mean(items.map((it) => mean(it.rewards))),
    meanBestReward: mean(items.map((it) => it.rewards[it.best]!)),
    meanJudged: mean(items.map((it) => mean(it.judged))),
    meanBestJudged: mean(items.map((it) => it.judged[it.best]!)),
    keptViolationRate: unsafe.length ? unsafe.filter((x) => x.j.violation).length / unsafe.length : 0,
    keptFalseRefusalRate: other.length ? other.filter((x) => x.j.falseRefusal).length / other.length : 0,
  };
}

/** The kept samples as SFT examples (prompt messages + the best answer). */
export function bestAsSft(items: readonly RsItem[]): ChatExample[] {
  return items.map((it) => sftExample(it.prompt, it.samples[it.best]!));
}

/**
 * Llama 2 §3.2.3, after RLHF-V3: the targets pool the best samples of ALL earlier iterations — per prompt, the
 * highest-reward sample ever kept (rewards as scored in their own round).
 */
export function poolBest(rounds: readonly (readonly RsItem[])[]): RsItem[] {
  const byPrompt = new Map<string, RsItem>();
  for (const items of rounds) {
    for (const it of items) {
      const prev = byPrompt.get(it.prompt.id);
      if (!prev || it.rewards[it.best]! > prev.rewards[prev.best]!) byPrompt.set(it.prompt.id, it);
    }
  }
  return [...byPrompt.values()];
}

export interface SweepRow {
  temperature: number;
  k: number;
  /** Expected max (and median) of K combined RM rewards, averaged over prompts (Llama 2 Fig. 7). */
  maxReward: number;
  medianReward: number;
  /** Expected world-judge helpfulness of the sample the RM ranks first among K. */
  bestJudged: number;
  /** Expected best judged helpfulness among K (what a perfect RM would pick). */
  oracleJudged: number;
}

/**
 * The Figures 7–8 sweep: for each temperature, max(ks) samples per prompt, then for each K the exact expectation
 * over random K-subsets of those samples (order statistics, order-statistics.ts): no resampling noise between Ks.
 */
export function rejectionSamplingSweep(cfg: RejectionSamplingConfig, model: Llama, tok: Tokenizer, scorer: RewardScorer, prompts: readonly Prompt[], io: StageIO): SweepRow[] {
  const n = Math.max(...cfg.sweep.ks);
  const log = new StageLog<SweepRow>(io, 'sweep.jsonl');
  const ps = prompts.slice(0, cfg.sweep.prompts);
  for (const temperature of cfg.sweep.temperatures) {
    const { items } = rejectionSample({ ...cfg, k: n, sampling: { ...cfg.sampling, temperature } }, model, tok, scorer, ps);
    for (const k of cfg.sweep.ks) {
      const avg = (f: (it: RsItem) => number) => items.reduce((a, it) => a + f(it), 0) / Math.max(1, items.length);
      log.append({
        temperature,
        k,
        maxReward: avg((it) => expectedMaxOfK(it.rewards, k)),
        medianReward: avg((it) => expectedMedianOfK(it.rewards, k)),
        bestJudged: avg((it) => expectedPickOfK(it.rewards, it.judged, k)),
        oracleJudged: avg((it) => expectedMaxOfK(it.judged, k)),
      });
    }
  }
  const rows = log.rows;
  const series = (y: (r: SweepRow) => number, dash = '') => cfg.sweep.temperatures.map((t) => ({ name: `T=${t}${dash}`, points: rows.filter((r) => r.temperature === t).map((r) => [r.k, y(r)] as const) }));
  log.write('rs-max-median.svg', linePlot({ title: 'Rejection sampling: max (top) and median (bottom) RM reward of K samples', xLabel: 'K samples', yLabel: 'RM reward (combined)', logX: true, series: [...series((r) => r.maxReward, ' max'), ...series((r) => r.medianReward, ' median')] }));
  log.write('rs-judged.svg', linePlot({ title: 'World-judge helpfulness of the RM\'s best of K (hacking check)', xLabel: 'K samples', yLabel: 'judged helpfulness', logX: true, series: [...series((r) => r.bestJudged, ' RM pick'), ...series((r) => r.oracleJudged, ' judge max')] }));
  return rows;
}

/** Fine-tunes a model on chat examples (the SFT stage; rejection sampling trains on its kept samples with it). */
export type FineTune<R = unknown> = (model: Llama, examples: readonly ChatExample[], io: StageIO) => R;

export interface RsStageResult<R> {
  summary: RsSummary;
  /** Examples the model was fine-tuned on (this round's best, or the pool of all rounds' best). */
  examples: number;
  finetune: R;
  items: RsItem[];
}

/**
 * One rejection-sampling round: sample and score, keep the best (pooled with earlier rounds' `pool` when given,
 * Llama 2 after V3), fine-tune `policy` in place on the kept answers with `finetune`.
 */
export function rsStage<R>(cfg: RejectionSamplingConfig, policy: Llama, tok: Tokenizer, scorer: RewardScorer, prompts: readonly Prompt[], finetune: FineTune<R>, io: StageIO, pool: readonly (readonly RsItem[])[] = []): RsStageResult<R> {
  const { items, summary } = rejectionSample(cfg, policy, tok, scorer, prompts);
  const kept = pool.length > 0 ? poolBest([...pool, items]) : items;
  const log = new StageLog<RsSummary>(io, 'rs-summary.jsonl');
  log.append(summary);
  const ft = finetune(policy, bestAsSft(kept), io);
  return { summary, examples: kept.length, finetune: ft, items };
}
