// `llamats rounds --config FILE.json`: the iterative schedules of rounds.ts from a checkpoint — Llama 2 (RS rounds
// RLHF-V1…Vn with pooling, then PPO on top) or Llama 3 (rounds of RS → SFT → DPO on fresh on-policy pairs with
// model averaging). Each round is compared with the starting model on the held-out eval prompts (stream "eval",
// as `llamats eval`). Writes OUT/model.gguf, rounds.jsonl, one sub-folder per stage of every round, summary.json.
import { z } from 'zod';
import { mkdirSync } from 'node:fs';
import { parseStageConfig, readStageConfig } from './stage-config.js';
import { RejectionSamplingSchema } from './rejection-sampling.js';
import { PpoStageSchema } from './ppo.js';
import { DpoStageSchema } from './dpo.js';
import { PreferenceSamplingSchema } from './preference-sampling.js';
import { SftStageSchema } from './sft.js';
import { sftFineTune } from './rs-run.js';
import { llama2Rounds, llama3Rounds, type RoundRow } from './rounds.js';
import { EvalSchema, evalSets, loadPolicy, loadScorer, POLICY_RUN_FIELDS, RewardModelsSchema, saveModel, worldOf, writeSummary } from './run-common.js';

export const RoundsRunSchema = z.strictObject({
  ...POLICY_RUN_FIELDS,
  rewardModels: RewardModelsSchema,
  data: z.strictObject({
    /** Training prompts (stream "rounds"); round r takes the r-th slice of promptsPerRound. */
    prompts: z.number().int().min(1).default(3000),
    systemRate: z.number().min(0).max(1).default(0.1),
  }).prefault({}),
  schedule: z.discriminatedUnion('style', [
    z.strictObject({
      style: z.literal('llama2'),
      /** RLHF-V1…V4 were rejection sampling (Llama 2 §3.2.3). */
      rsRounds: z.number().int().min(0).default(4),
      promptsPerRound: z.number().int().min(1).default(500),
      /** Targets pool all earlier rounds' best samples from this round on (Llama 2: after V3). */
      poolFrom: z.number().int().min(1).default(4),
      rs: RejectionSamplingSchema.prefault({}),
      /** PPO on top of the last RS model (V5); null skips it. */
      ppo: PpoStageSchema.nullable().prefault({}),
    }),
    z.strictObject({
      style: z.literal('llama3'),
      /** Llama 3 §4.1.6: six rounds. */
      rounds: z.number().int().min(1).default(6),
      promptsPerRound: z.number().int().min(1).default(500),
      rs: RejectionSamplingSchema.nullable().prefault({}),
      preferences: PreferenceSamplingSchema.prefault({}),
      dpo: DpoStageSchema.prefault({}),
      variants: z.number().int().min(1).default(2),
    }),
  ]),
  /** Fine-tuning on rejection-sampled answers (the SFT stage). */
  sft: SftStageSchema.prefault({}),
  eval: EvalSchema,
});
export type RoundsRunConfig = z.infer<typeof RoundsRunSchema>;
export const parseRoundsRun = (json: unknown, source = 'rounds config'): RoundsRunConfig => parseStageConfig(RoundsRunSchema, json, source);
export const readRoundsRun = (path: string): RoundsRunConfig => readStageConfig(path, parseRoundsRun);

export interface RoundsRunSummary {
  out: string;
  model: string;
  style: 'llama2' | 'llama3';
  scorer: string;
  rounds: RoundRow[];
  seconds: number;
}

export function runRounds(cfg: RoundsRunConfig, opts: { quiet?: boolean } = {}): RoundsRunSummary {
  const t0 = performance.now();
  const world = worldOf(cfg.world);
  const { model: policy, tok } = loadPolicy(cfg.policy);
  const scorer = loadScorer(cfg.rewardModels);
  mkdirSync(cfg.out, { recursive: true });
  const ctx = {
    tok, scorer, template: cfg.template, maxTokens: cfg.eval.maxTokens, io: { out: cfg.out, quiet: opts.quiet },
    train: world.sample('train', cfg.data.prompts, { stream: 'rounds', systemRate: cfg.data.systemRate }),
    heldout: evalSets(world, cfg.eval).heldout,
    finetune: sftFineTune(cfg.sft, tok, cfg.template),
  };
  const s = cfg.schedule;
  const rounds = s.style === 'llama2'
    ? llama2Rounds({ rsRounds: s.rsRounds, promptsPerRound: s.promptsPerRound, poolFrom: s.poolFrom, rs: { ...s.rs, template: cfg.template }, ppo: s.ppo ? { ...s.ppo, template: cfg.template } : null }, policy, ctx)
    : llama3Rounds({ rounds: s.rounds, promptsPerRound: s.promptsPerRound, rs: s.rs ? { ...s.rs, template: cfg.template } : null, preferences: s.preferences, dpo: { ...s.dpo, template: cfg.template }, variants: s.variants }, policy, ctx);
  const model = saveModel(cfg.out, policy, tok, cfg.template, `llamats rounds (${s.style})`);
  const summary: RoundsRunSummary = { out: cfg.out, model, style: s.style, scorer: scorer.name, rounds, seconds: (performance.now() - t0) / 1000 };
  writeSummary(cfg.out, { ...summary, config: cfg });
  return summary;
}
