// `llamats ppo --config FILE.json`: PPO as Llama 2 §3.2.3 on top of an SFT (or rejection-sampling) checkpoint,
// with the helpfulness and safety reward models. π_0 is the starting checkpoint, frozen. Writes OUT/model.gguf,
// metrics.jsonl (one row per iteration and per held-out evaluation), ppo-reward.svg / ppo-kl.svg / ppo-safety.svg
// and summary.json with the held-out comparison against the starting model (win rate, helpfulness, VR, FRR).
import { z } from 'zod';
import { PpoStageSchema, ppoStage, type PpoEvalRow, type PpoIterationRow } from './ppo.js';
import { frozenCopy } from './reference.js';
import { parseStageConfig, readStageConfig } from './stage-config.js';
import { type EvalResult, EvalSchema, evalSets, evaluateAgainst, loadPolicy, loadScorer, measureBaseline, POLICY_RUN_FIELDS, RewardModelsSchema, saveModel, worldOf, writeSummary } from './run-common.js';

export const PpoRunSchema = z.strictObject({
  /** policy: the starting checkpoint (SFT or RS output); also π_0. */
  ...POLICY_RUN_FIELDS,
  rewardModels: RewardModelsSchema,
  data: z.strictObject({
    /** Training prompts (stream "ppo"), cycled in a seeded order. */
    prompts: z.number().int().min(1).default(2000),
    /** Held-out prompts for early stopping (stream "ppo-heldout", apart from the evaluation's). */
    heldout: z.number().int().min(1).default(64),
    systemRate: z.number().min(0).max(1).default(0.1),
  }).prefault({}),
  stage: PpoStageSchema.prefault({}),
  eval: EvalSchema,
});
export type PpoRunConfig = z.infer<typeof PpoRunSchema>;
export const parsePpoRun = (json: unknown, source = 'ppo config'): PpoRunConfig => parseStageConfig(PpoRunSchema, json, source);
export const readPpoRun = (path: string): PpoRunConfig => readStageConfig(path, parsePpoRun);

export interface PpoRunSummary {
  out: string;
  model: string;
  iterations: number;
  keptIteration: number;
  first: PpoIterationRow | null;
  last: PpoIterationRow | null;
  evals: PpoEvalRow[];
  /** Which reward the stage optimised (reward-model folders, or the world-judge oracle ablation). */
  scorer: string;
  eval: EvalResult;
  seconds: number;
}

export function runPpo(cfg: PpoRunConfig, opts: { quiet?: boolean } = {}): PpoRunSummary {
  const t0 = performance.now();
  const world = worldOf(cfg.world);
  const { model: policy, tok } = loadPolicy(cfg.policy);
  const reference = frozenCopy(policy);
  const scorer = loadScorer(cfg.rewardModels);
  const train = world.sample('train', cfg.data.prompts, { stream: 'ppo', systemRate: cfg.data.systemRate });
  const heldout = world.sample('heldout', cfg.data.heldout, { stream: 'ppo-heldout', systemRate: cfg.data.systemRate });
  const sets = evalSets(world, cfg.eval);
  const baseline = measureBaseline(reference, tok, sets, cfg.eval, cfg.template, scorer);
  const res = ppoStage({ ...cfg.stage, template: cfg.template }, policy, reference, tok, scorer, train, heldout, { out: cfg.out, quiet: opts.quiet });
  const model = saveModel(cfg.out, policy, tok, cfg.template, 'llamats ppo');
  const summary: PpoRunSummary = {
    out: cfg.out, model, scorer: scorer?.name ?? 'none',
    iterations: res.iterations.length, keptIteration: res.keptIteration,
    first: res.iterations[0] ?? null, last: res.iterations.at(-1) ?? null, evals: res.evals,
    eval: evaluateAgainst(policy, tok, sets, baseline, cfg.eval, cfg.template, scorer),
    seconds: (performance.now() - t0) / 1000,
  };
  writeSummary(cfg.out, { ...summary, config: cfg });
  return summary;
}
