// `llamats rm --config FILE.json`: the reward-model job (Llama 2 §3.2.2; docs/llama-recipe.md §7). Annotated
// world pairs (helpfulness and safety, data/preferences.ts) → the Llama 2 mix for the RM's kind → ranked groups
// → a RewardModel initialised from the base checkpoint (SFT or pretrained) → trainRewardModel → held-out
// accuracy per rating bucket on the helpfulness and the safety test pairs (Table 8), RM score vs judge scatter →
// OUT/{model.gguf, reward_head.json} (loadRewardModel), metrics.jsonl, plots, accuracy.md, summary.json.
import { z } from 'zod';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { loadTrainableModel } from '../model/load.js';
import { FileFormatError } from '../util/errors.js';
import { writeFileAtomic } from '../util/fs.js';
import { log } from '../util/progress.js';
import { rewardAccuracyChart, rewardAccuracyTable, rewardScatter } from '../eval/report.js';
import { llama2Mix, llama3Filter, rankedGroup, worldPairs } from './data/preferences.js';
import { evaluateRewardModel, type RewardEvaluation } from './reward-eval.js';
import { rewardModelFrom, saveRewardModel } from './reward.js';
import { trainRewardModel } from './reward-train.js';
import { TEMPLATES } from './sft-run.js';
import { optimSchema, parseStageConfig, readStageConfig } from './stage-config.js';
import { rngFor } from './world/seeded.js';
import { checkAnnotatorConfig, createWorld, DEFAULT_ANNOTATOR, type AnnotatorConfig, type WorldConfig } from './world/index.js';

const int = (min: number) => z.number().int().min(min);

export const RewardStageSchema = z.strictObject({
  /** Llama 2 §3.2.2: one epoch ("training longer can lead to over-fitting"). */
  epochs: int(1).default(1),
  /** Row length; 0 = the model's context. Pairs with a longer sequence are dropped (and counted). */
  seqLen: int(0).default(0),
  /**
   * Pairs per optimizer step. Llama 2 uses 512 pairs over ~1.4M comparisons (~2,800 steps); a few thousand world
   * pairs need a smaller batch to take ~100 steps at all.
   */
  groupsPerStep: int(1).default(32),
  /** Pairs per forward/backward (gradient accumulation); default all pairs of a step. */
  microGroups: int(1).optional(),
  /**
   * Llama 2 §3.2.2: max lr 1e-5 (5e-6 for 70B). Sweep on the tiny preset (README, helpfulness RM, 100 steps): held-out
   * accuracy 66.2 / 69.5 / 68.8 / 63.5% and ranking loss 0.898 / 0.803 / 0.824 / 0.847 at 1e-4 / 3e-4 / 1e-3 / 3e-3.
   */
  optim: optimSchema({ lr: 3e-4 }),
  /** Cosine to 10% of the peak (Llama 2 §3.2.2). */
  minLrRatio: z.number().min(0).max(1).default(0.1),
  /** Warmup: 3% of the steps, at least 5 (Llama 2 §3.2.2). */
  warmupFraction: z.number().min(0).max(1).default(0.03),
  minWarmupSteps: int(0).default(5),
  evalEvery: int(1).default(25),
  seed: int(0).default(1),
});

export const RewardRunSchema = z.strictObject({
  /** Run folder; it becomes the reward-model folder (model.gguf + reward_head.json) for loadRewardModel. */
  out: z.string().min(1),
  /** Checkpoint to start from: Llama 2 starts both RMs from a chat (SFT) checkpoint, Llama 3 from the pretrained one. */
  base: z.string().min(1),
  kind: z.enum(['helpfulness', 'safety']).default('helpfulness'),
  world: z.record(z.string(), z.unknown()).default({}),
  template: z.enum(TEMPLATES).default('llama3'),
  /** Llama 2: margin loss with a Table 27 margin table ('none' = plain binary ranking); Llama 3: 'ranking'. */
  objective: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('margin'), margins: z.enum(['none', 'small', 'large']).default('small') }),
    z.strictObject({ kind: z.literal('ranking') }),
  ]).default({ kind: 'margin', margins: 'small' }),
  data: z.strictObject({
    /** Prompts annotated for helpfulness and for safety (a few are dropped by the safety rule). */
    helpfulnessPrompts: int(0).default(1500),
    safetyPrompts: int(0).default(1500),
    /** 'llama2': the mix of the RM's kind (§3.2.2); 'none': every pair of both kinds. */
    mix: z.enum(['llama2', 'none']).default('llama2'),
    /** Held-out prompts per test set (helpfulness and safety) for the per-bucket accuracy. */
    heldoutPrompts: int(0).default(400),
    /** Share of helpfulness prompts with system constraints (as the world's datasets). */
    systemRate: z.number().min(0).max(1).default(0.1),
    /** Simulated annotators (the world's defaults otherwise). */
    annotator: z.record(z.string(), z.unknown()).default({}),
  }).prefault({}),
  stage: RewardStageSchema.prefault({}),
});
export type RewardRunConfig = z.infer<typeof RewardRunSchema>;

export const parseRewardRun = (json: unknown, source = 'rm config'): RewardRunConfig => parseStageConfig(RewardRunSchema, json, source);
export const readRewardRun = (path: string): RewardRunConfig => readStageConfig(path, parseRewardRun);

export interface RewardSummary {
  out: string;
  kind: 'helpfulness' | 'safety';
  pairs: { helpfulness: number; safety: number; trained: number; dropped: number };
  steps: number;
  trainLossFirst: number;
  trainLossLast: number;
  valLoss: number | null;
  /** Held-out accuracy on each test set. */
  accuracy: { helpfulness: RewardEvaluation | null; safety: RewardEvaluation | null };
  seconds: number;
}

export function runRewardModel(cfg: RewardRunConfig, opts: { quiet?: boolean } = {}): RewardSummary {
  const t0 = performance.now();
  const world = createWorld(cfg.world as Partial<WorldConfig>);
  const annotator: AnnotatorConfig = checkAnnotatorConfig({ ...DEFAULT_ANNOTATOR, ...(cfg.data.annotator as Partial<AnnotatorConfig>) }, 'rm config: data.annotator');
  const { model, tokenizer } = loadTrainableModel(cfg.base);
  if (!tokenizer) throw new FileFormatError(cfg.base, 'tokenizer', 'a tokenizer stored with the model', 'none');
  const seqLen = cfg.stage.seqLen === 0 ? model.config.maxSeqLen : Math.min(cfg.stage.seqLen, model.config.maxSeqLen);
  const seed = world.config.seed;
  const pairs = (split: 'train' | 'heldout', kind: 'helpfulness' | 'safety', n: number) =>
    n === 0 ? [] : worldPairs(world, split, kind, n, rngFor(seed, `rm|${split}|${kind}`), annotator, { stream: `rm-${split}-${kind}`, systemRate: cfg.data.systemRate });
  const helpful = pairs('train', 'helpfulness', cfg.data.helpfulnessPrompts);
  const safety = pairs('train', 'safety', cfg.data.safetyPrompts);
  let rows = cfg.data.mix === 'llama2' ? llama2Mix(cfg.kind, helpful, safety, rngFor(seed, 'rm|mix')) : [...helpful, ...safety];
  if (cfg.objective.kind === 'ranking') rows = llama3Filter(rows);
  const loss = cfg.objective.kind === 'ranking' ? 'ranking' : 'margin';
  const fits = (g: { sequences: readonly (readonly number[])[] }) => g.sequences.every((s) => s.length <= seqLen);
  const all = rows.map((r) => rankedGroup(tokenizer, r, cfg.objective, cfg.template));
  const groups = all.filter(fits);
  log(`rm: ${helpful.length} helpfulness + ${safety.length} safety pairs → ${groups.length} ${cfg.kind} training groups (${all.length - groups.length} too long)`);
  const testHelpful = pairs('heldout', 'helpfulness', cfg.data.heldoutPrompts);
  const testSafety = pairs('heldout', 'safety', cfg.data.heldoutPrompts);
  const own = cfg.kind === 'helpfulness' ? testHelpful : testSafety;
  const val = own.map((r) => rankedGroup(tokenizer, r, cfg.objective, cfg.template)).filter(fits);

  const rm = rewardModelFrom(model, cfg.stage.seed);
  mkdirSync(cfg.out, { recursive: true });
  const s = cfg.stage;
  const result = trainRewardModel(rm, groups, val, {
    epochs: s.epochs, seqLen, groupsPerStep: s.groupsPerStep, microGroups: s.microGroups ?? s.groupsPerStep,
    lr: s.optim.lr, minLrRatio: s.minLrRatio, warmupFraction: s.warmupFraction, minWarmupSteps: s.minWarmupSteps,
    optim: s.optim, loss, evalEvery: s.evalEvery, seed: s.seed,
  }, { out: cfg.out, quiet: opts.quiet });
  saveRewardModel(cfg.out, rm, tokenizer, { kind: cfg.kind, template: cfg.template });

  const evaluate = (rs: typeof own) => (rs.length === 0 ? null : evaluateRewardModel(rm, tokenizer, rs, cfg.template, seqLen));
  const accuracy = { helpfulness: evaluate(testHelpful), safety: evaluate(testSafety) };
  const named = [
    ...(accuracy.helpfulness ? [{ name: `${cfg.kind} RM on helpfulness pairs`, eval: accuracy.helpfulness }] : []),
    ...(accuracy.safety ? [{ name: `${cfg.kind} RM on safety pairs`, eval: accuracy.safety }] : []),
  ];
  if (named.length > 0) {
    writeFileAtomic(join(cfg.out, 'accuracy.md'), `${rewardAccuracyTable(named)}\n`);
    writeFileAtomic(join(cfg.out, 'accuracy.svg'), rewardAccuracyChart(named));
    named.forEach((r, i) => writeFileAtomic(join(cfg.out, `scatter-${i === 0 && accuracy.helpfulness ? 'helpfulness' : 'safety'}.svg`), rewardScatter(r.name, r.eval)));
  }
  const strip = (e: RewardEvaluation | null) => (e ? { ...e, points: [] } : null);
  const summary: RewardSummary = {
    out: cfg.out, kind: cfg.kind,
    pairs: { helpfulness: helpful.length, safety: safety.length, trained: groups.length, dropped: all.length - groups.length },
    steps: result.steps, trainLossFirst: result.losses[0] ?? NaN, trainLossLast: result.losses.at(-1) ?? NaN,
    valLoss: result.evals.at(-1)?.[1] ?? null, accuracy, seconds: (performance.now() - t0) / 1000,
  };
  writeFileAtomic(join(cfg.out, 'summary.json'), `${JSON.stringify({ ...summary, accuracy: { helpfulness: strip(accuracy.helpfulness), safety: strip(accuracy.safety) }, config: cfg }, null, 2)}\n`);
  return summary;
}
