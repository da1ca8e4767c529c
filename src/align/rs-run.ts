// `llamats rs --config FILE.json`: one rejection-sampling round (Llama 2 §3.2.3, Llama 3 §4.2.2) — K samples per
// prompt from the policy, the RMs' best kept, SFT on the kept answers (the SFT stage, src/align/sft.ts) — and,
// optionally first, the K × temperature sweep of Llama 2 Figures 7–8. Writes OUT/model.gguf, samples.jsonl (every
// sample with its reward and judged helpfulness), sweep.jsonl + rs-max-median.svg + rs-judged.svg, the SFT
// metrics and plots, and summary.json with the held-out comparison against the starting model.
import { z } from 'zod';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { writeJsonl } from '../util/fs.js';
import type { Llama } from '../model/llama.js';
import type { Tokenizer } from '../tokenizer/types.js';
import type { ChatTemplateName } from '../tokenizer/chat-templates.js';
import { chatSequence } from './data/sequence.js';
import { SftStageSchema, sftStage, type SftResult, type SftStageConfig } from './sft.js';
import { RejectionSamplingSchema, rejectionSamplingSweep, rsStage, type FineTune, type RsSummary, type SweepRow } from './rejection-sampling.js';
import { parseStageConfig, readStageConfig } from './stage-config.js';
import { type EvalResult, EvalSchema, evalSets, evaluateAgainst, loadPolicy, loadScorer, measureBaseline, POLICY_RUN_FIELDS, RewardModelsSchema, saveModel, worldOf, writeSummary } from './run-common.js';
import { sftExample } from './world/index.js';
import type { StageIO } from './stage-io.js';

export const RsRunSchema = z.strictObject({
  ...POLICY_RUN_FIELDS,
  rewardModels: RewardModelsSchema,
  data: z.strictObject({
    /** Prompts sampled K times each (stream "rs"). */
    prompts: z.number().int().min(1).default(1000),
    systemRate: z.number().min(0).max(1).default(0.1),
    /**
     * Llama 3 §4.1.3: the SFT data of a round is the rejection-sampled answers plus "a small amount of
     * human-curated data". Here: this many world train prompts answered with the gold (the annotators'
     * demonstrations, stream "rs-curated"), fine-tuned on together with the kept samples. 0 = RS answers only.
     */
    curated: z.number().int().min(0).default(0),
  }).prefault({}),
  stage: RejectionSamplingSchema.prefault({}),
  /** Run the K × temperature sweep (on stage.sweep.prompts of the prompts) before the round. */
  sweep: z.boolean().default(true),
  /** Fine-tuning on the kept answers (the SFT stage's hyper-parameters). */
  sft: SftStageSchema.prefault({}),
  eval: EvalSchema,
});
export type RsRunConfig = z.infer<typeof RsRunSchema>;
export const parseRsRun = (json: unknown, source = 'rs config'): RsRunConfig => parseStageConfig(RsRunSchema, json, source);
export const readRsRun = (path: string): RsRunConfig => readStageConfig(path, parseRsRun);

/** The SFT stage as rejection sampling's fine-tuner: kept answers → answer-only chat sequences → sftStage. */
export function sftFineTune(cfg: SftStageConfig, tok: Tokenizer, template: ChatTemplateName): FineTune<SftResult> {
  return (model: Llama, examples, io: StageIO) => sftStage(cfg, model, examples.map((e) => chatSequence(tok, e.messages, template)), [], io);
}

export interface RsRunSummary {
  out: string;
  model: string;
  rs: RsSummary;
  sweep: SweepRow[];
  sft: { steps: number; examples: number; curated: number; lossFirst: number; lossLast: number };
  /** Which reward the stage optimised (reward-model folders, or the world-judge oracle ablation). */
  scorer: string;
  eval: EvalResult;
  seconds: number;
}

export function runRs(cfg: RsRunConfig, opts: { quiet?: boolean } = {}): RsRunSummary {
  const t0 = performance.now();
  const world = worldOf(cfg.world);
  const { model: policy, tok } = loadPolicy(cfg.policy);
  const scorer = loadScorer(cfg.rewardModels);
  const prompts = world.sample('train', cfg.data.prompts, { stream: 'rs', systemRate: cfg.data.systemRate });
  const io = { out: cfg.out, quiet: opts.quiet };
  mkdirSync(cfg.out, { recursive: true });
  const stage = { ...cfg.stage, template: cfg.template };
  const sweep = cfg.sweep ? rejectionSamplingSweep(stage, policy, tok, scorer, prompts, io) : [];
  const sets = evalSets(world, cfg.eval);
  const baseline = measureBaseline(policy, tok, sets, cfg.eval, cfg.template, scorer);
  const curated = cfg.data.curated > 0 ? world.sample('train', cfg.data.curated, { stream: 'rs-curated', systemRate: cfg.data.systemRate }).map((p) => sftExample(p)) : [];
  const fineTune = sftFineTune(cfg.sft, tok, cfg.template);
  const res = rsStage(stage, policy, tok, scorer, prompts, (m, examples, io2) => fineTune(m, [...examples, ...curated], io2), io);
  writeJsonl(join(cfg.out, 'samples.jsonl'), res.items.map((it) => ({ id: it.prompt.id, best: it.best, samples: it.samples, rewards: it.rewards, judged: it.judged })));
  const model = saveModel(cfg.out, policy, tok, cfg.template, 'llamats rs');
  const summary: RsRunSummary = {
    out: cfg.out, model, scorer: scorer?.name ?? 'none', rs: res.summary, sweep,
    sft: { steps: res.finetune.steps, examples: res.finetune.examples, curated: curated.length, lossFirst: res.finetune.losses[0] ?? NaN, lossLast: res.finetune.losses.at(-1) ?? NaN },
    eval: evaluateAgainst(policy, tok, sets, baseline, cfg.eval, cfg.template, scorer),
    seconds: (performance.now() - t0) / 1000,
  };
  writeSummary(cfg.out, { ...summary, config: cfg });
  return summary;
}
