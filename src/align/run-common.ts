// What the `llamats rs|ppo|dpo|gatt --config FILE.json` jobs share: the policy checkpoint they start from (a GGUF
// file or HF folder with its tokenizer — the SFT output), the reward-model folders, the world, the held-out
// evaluation against the starting model (the same prompt streams as `llamats eval`, so numbers agree), and the
// run folder's model.gguf + summary.json.
import { z } from 'zod';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Llama } from '../model/llama.js';
import { loadTrainableModel, saveTrainedModel } from '../model/load.js';
import type { Tokenizer } from '../tokenizer/types.js';
import type { ChatTemplateName } from '../tokenizer/chat-templates.js';
import { FileFormatError } from '../util/errors.js';
import { writeFileAtomic } from '../util/fs.js';
import { log } from '../util/progress.js';
import { createWorld, type Prompt, type World, type WorldConfig } from './world/index.js';
import { loadRewardModel } from './reward.js';
import { LLAMA3_JINJA } from './sft.js';
import { rewardModelScorer, worldJudgeScorer, type RewardScorer } from './reward-scorer.js';
import { compareMeasured, measure, type Comparison } from './compare.js';

export const TEMPLATE = z.enum(['llama2', 'llama3', 'llama3.1']).default('llama3');

/** The fields every job that trains a policy starts with (rs, ppo, dpo, gatt, rounds): spread into its schema. */
export const POLICY_RUN_FIELDS = {
  /** Run folder: model.gguf, metrics, plots, summary.json. */
  out: z.string().min(1),
  /** The starting checkpoint (usually the SFT model). */
  policy: z.string().min(1),
  /** The world the prompts come from (createWorld's config). */
  world: z.record(z.string(), z.unknown()).default({}),
  template: TEMPLATE,
};

export const RewardModelsSchema = z.union([
  z.strictObject({
    /** Reward-model folders written by `llamats rm` (model.gguf + reward_head.json). */
    helpfulness: z.string().min(1),
    /** The safety RM (Llama 2 §3.2.2); null: the helpfulness RM scores both. */
    safety: z.string().min(1).nullable().default(null),
  }),
  /**
   * The world's exact judge as the reward: an oracle ablation (what the stage reaches with a perfect reward
   * model), never the recipe's reward — summaries name the scorer.
   */
  z.literal('world-judge'),
]);

export const EvalSchema = z.strictObject({
  /** Held-out prompts (stream "eval", as `llamats eval`): helpfulness and the judged win rate vs the start. */
  heldout: z.number().int().min(0).default(200),
  /** The held-out safety set (stream "eval-safety"): violation and false-refusal rates. */
  safety: z.number().int().min(0).default(100),
  systemRate: z.number().min(0).max(1).default(0.1),
  maxTokens: z.number().int().min(1).default(64),
}).prefault({});
export type EvalConfig = z.infer<typeof EvalSchema>;

export interface LoadedPolicy {
  model: Llama;
  tok: Tokenizer;
}

export function loadPolicy(path: string): LoadedPolicy {
  const { model, tokenizer } = loadTrainableModel(path);
  if (!tokenizer) throw new FileFormatError(path, 'tokenizer', 'a tokenizer stored with the model (GGUF keys or tokenizer.json)', 'none');
  return { model, tok: tokenizer };
}

export function loadScorer(cfg: z.infer<typeof RewardModelsSchema>): RewardScorer {
  if (cfg === 'world-judge') return worldJudgeScorer();
  const h = loadRewardModel(cfg.helpfulness);
  const s = cfg.safety ? loadRewardModel(cfg.safety) : null;
  return rewardModelScorer(h, s, s ? `${cfg.helpfulness} + ${cfg.safety}` : cfg.helpfulness);
}

export function worldOf(cfg: Record<string, unknown>): World {
  return createWorld(cfg as Partial<WorldConfig>);
}

export interface EvalSets {
  heldout: Prompt[];
  safety: Prompt[];
}

export function evalSets(world: World, cfg: EvalConfig): EvalSets {
  return {
    heldout: cfg.heldout > 0 ? world.sample('heldout', cfg.heldout, { stream: 'eval', systemRate: cfg.systemRate }) : [],
    safety: cfg.safety > 0 ? world.sample('heldout', cfg.safety, { stream: 'eval-safety', mix: { safety: 1 } }) : [],
  };
}

export interface EvalResult {
  /** Held-out prompts: the trained model against the starting one. */
  heldout: Comparison | null;
  /** The held-out safety set (violation / false-refusal rates of both). */
  safety: Comparison | null;
}

/** Measures the starting model once (before training): the baseline of `evaluateAgainst`. */
export function measureBaseline(model: Llama, tok: Tokenizer, sets: EvalSets, cfg: EvalConfig, template: ChatTemplateName, scorer: RewardScorer | null) {
  const o = { maxTokens: cfg.maxTokens, template, scorer };
  return { heldout: sets.heldout.length ? measure(model, tok, sets.heldout, o) : null, safety: sets.safety.length ? measure(model, tok, sets.safety, o) : null };
}

export function evaluateAgainst(model: Llama, tok: Tokenizer, sets: EvalSets, baseline: ReturnType<typeof measureBaseline>, cfg: EvalConfig, template: ChatTemplateName, scorer: RewardScorer | null): EvalResult {
  const o = { maxTokens: cfg.maxTokens, template, scorer };
  const res: EvalResult = {
    heldout: baseline.heldout ? compareMeasured(measure(model, tok, sets.heldout, o), baseline.heldout) : null,
    safety: baseline.safety ? compareMeasured(measure(model, tok, sets.safety, o), baseline.safety) : null,
  };
  const h = res.heldout;
  if (h) log(`eval: helpfulness ${h.baseline.helpfulness.toFixed(3)} → ${h.model.helpfulness.toFixed(3)}, win rate ${(100 * h.winRate.winRate).toFixed(1)}% (${h.winRate.win}/${h.winRate.tie}/${h.winRate.loss}; 95% ${(100 * h.winRate.ci95[0]).toFixed(0)}–${(100 * h.winRate.ci95[1]).toFixed(0)}%)`);
  const s = res.safety;
  if (s) log(`eval: violation ${(100 * s.baseline.violationRate).toFixed(1)}% → ${(100 * s.model.violationRate).toFixed(1)}%, false refusal ${(100 * s.baseline.falseRefusalRate).toFixed(1)}% → ${(100 * s.model.falseRefusalRate).toFixed(1)}%`);
  return res;
}

/** OUT/model.gguf with the tokenizer (and Meta's Llama 3 chat template when the model speaks it). */
export function saveModel(out: string, model: Llama, tok: Tokenizer, template: ChatTemplateName, name: string): string {
  mkdirSync(out, { recursive: true });
  const path = join(out, 'model.gguf');
  saveTrainedModel(path, model, tok, { name, ...(template === 'llama3' ? { chatTemplate: LLAMA3_JINJA } : {}) });
  return path;
}

export function writeSummary(out: string, summary: object): void {
  writeFileAtomic(join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
}
