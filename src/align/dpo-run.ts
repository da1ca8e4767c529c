// `llamats dpo --config FILE.json`: one Llama 3 DPO round. The policy starts from the SFT checkpoint, which is also
// the frozen reference; preference pairs come from the policy itself (on-policy: sampled, shown to the world's
// annotators, "significantly better"/"better" kept — Llama 3 §4.2.1) or, for a model too weak to produce
// distinguishable answers, from the world's graded candidates (gold vs degradations; `data.source: "world"`).
// Writes OUT/model.gguf, metrics.jsonl, dpo-loss.svg, dpo-rewards.svg, pairs.jsonl and summary.json (the DPO
// metrics and the held-out comparison with the starting model: win rate, helpfulness, VR, FRR).
// `rounds` > 1 runs Llama 3's iterative schedule (§4.1.5–6) inside the job: each round samples fresh on-policy
// pairs from the latest model on a fresh prompt stream ("dpo", then "dpo-round2", …) and trains DPO with that
// round's starting model as the frozen reference; rounds after the first write their metrics into roundN/.
import { z } from 'zod';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonl, writeJsonl } from '../util/fs.js';
import { ConfigError } from '../util/errors.js';
import { log } from '../util/progress.js';
import { rngFor } from './world/seeded.js';
import { DEFAULT_ANNOTATOR } from './world/index.js';
import { DpoStageSchema, dpoStage, type DpoResult, type TextPair } from './dpo.js';
import { PreferenceSamplingSchema, samplePreferencePairs, type PreferenceSamplingReport } from './preference-sampling.js';
import { frozenCopy } from './reference.js';
import { parseStageConfig, readStageConfig } from './stage-config.js';
import { type EvalResult, EvalSchema, evalSets, evaluateAgainst, loadPolicy, loadScorer, measureBaseline, POLICY_RUN_FIELDS, RewardModelsSchema, saveModel, worldOf, writeSummary } from './run-common.js';

export const DpoRunSchema = z.strictObject({
  /** policy: the SFT checkpoint, the policy's start and the frozen reference (Llama 3 §4.1.4). */
  ...POLICY_RUN_FIELDS,
  /** Optional: the RM picks which two samples the annotator sees and scores the evaluation answers. */
  rewardModels: RewardModelsSchema.nullable().default(null),
  data: z.strictObject({
    /** 'file': pairs.jsonl of an earlier run (prompt / chosen / rejected), e.g. to sweep hyper-parameters on one set. */
    source: z.enum(['on-policy', 'world', 'file']).default('on-policy'),
    file: z.string().min(1).optional(),
    /** Training prompts (stream "dpo"); each gives at most one pair (two with edited responses). */
    prompts: z.number().int().min(1).default(600),
    systemRate: z.number().min(0).max(1).default(0.1),
    sampling: PreferenceSamplingSchema.prefault({}),
  }).prefault({}),
  stage: DpoStageSchema.prefault({}),
  /** Llama 3 rounds: fresh on-policy pairs from the latest model each round, reference = the round's start. */
  rounds: z.number().int().min(1).default(1),
  eval: EvalSchema,
});
export type DpoRunConfig = z.infer<typeof DpoRunSchema>;
export const parseDpoRun = (json: unknown, source = 'dpo config'): DpoRunConfig => parseStageConfig(DpoRunSchema, json, source);
export const readDpoRun = (path: string): DpoRunConfig => readStageConfig(path, parseDpoRun);

export interface DpoRunSummary {
  out: string;
  model: string;
  pairs: { source: DpoRunConfig['data']['source']; total: number; report: PreferenceSamplingReport | null };
  dpo: Omit<DpoResult, 'steps'> & { steps: number; lossFirst: number; lossLast: number };
  /** Per round (one entry per round; the fields above are the last round's DPO and all rounds' pair count). */
  rounds: { round: number; pairs: number; report: PreferenceSamplingReport | null; dpo: Pick<DpoResult, 'before' | 'after'> & { steps: number } }[];
  /** Which reward the stage optimised (reward-model folders, or the world-judge oracle ablation). */
  scorer: string;
  eval: EvalResult;
  seconds: number;
}

export function runDpo(cfg: DpoRunConfig, opts: { quiet?: boolean } = {}): DpoRunSummary {
  const t0 = performance.now();
  const world = worldOf(cfg.world);
  const { model: policy, tok } = loadPolicy(cfg.policy);
  const reference = frozenCopy(policy);
  const scorer = cfg.rewardModels ? loadScorer(cfg.rewardModels) : null;
  if (cfg.rounds > 1 && cfg.data.source !== 'on-policy') throw new ConfigError('dpo config', 'rounds', '1 unless data.source is "on-policy" (later rounds sample the latest model)', String(cfg.rounds));
  const sets = evalSets(world, cfg.eval);
  const baseline = measureBaseline(reference, tok, sets, cfg.eval, cfg.template, scorer);
  const allPairs: TextPair[] = [];
  const rounds: DpoRunSummary['rounds'] = [];
  let res: DpoResult | null = null;
  for (let round = 0; round < cfg.rounds; round++) {
    const stream = round === 0 ? 'dpo' : `dpo-round${round + 1}`;
    const prompts = world.sample('train', cfg.data.prompts, { stream, systemRate: cfg.data.systemRate });
    let pairs: TextPair[];
    let report: PreferenceSamplingReport | null = null;
    if (cfg.data.source === 'on-policy') {
      const sampling = { ...cfg.data.sampling, seed: cfg.data.sampling.seed + round };
      const r = samplePreferencePairs(sampling, policy, tok, prompts, rngFor(world.config.seed, round === 0 ? 'dpo|annotate' : `dpo|annotate|${round + 1}`), { ...(scorer ? { scorer } : {}), template: cfg.template });
      pairs = r.pairs;
      report = r.report;
      log(`dpo${cfg.rounds > 1 ? ` round ${round + 1}` : ''}: ${r.report.kept} on-policy pairs kept of ${r.report.annotated} annotated (${r.report.noPair} prompts without two distinct answers), ${r.report.edited} edited; annotator agrees with the judge on ${(100 * r.report.agreement).toFixed(1)}%`);
    } else if (cfg.data.source === 'file') {
      if (!cfg.data.file) throw new ConfigError('dpo config', 'data.file', 'a pairs.jsonl path (data.source is "file")', 'nothing');
      pairs = readJsonl<TextPair>(cfg.data.file);
      log(`dpo: ${pairs.length} pairs from ${cfg.data.file}`);
    } else {
      pairs = world.preferencePairs(prompts, rngFor(world.config.seed, 'dpo|world'), DEFAULT_ANNOTATOR)
        .filter((r) => cfg.data.sampling.keep.includes(r.rating))
        .map((r) => ({ prompt: r.prompt, chosen: r.chosen[0]!.content, rejected: r.rejected[0]!.content }));
      log(`dpo: ${pairs.length} world pairs (gold and degraded candidates)`);
    }
    allPairs.push(...pairs);
    // Round 1's reference is the starting checkpoint; later rounds' reference is the round's starting model.
    const ref = round === 0 ? reference : frozenCopy(policy);
    const out = round === 0 ? cfg.out : join(cfg.out, `round${round + 1}`);
    mkdirSync(out, { recursive: true });
    res = dpoStage({ ...cfg.stage, template: cfg.template, seed: cfg.stage.seed + round }, policy, ref, tok, pairs, { out, quiet: opts.quiet });
    rounds.push({ round: round + 1, pairs: pairs.length, report, dpo: { before: res.before, after: res.after, steps: res.steps.length } });
  }
  mkdirSync(cfg.out, { recursive: true });
  writeJsonl(join(cfg.out, 'pairs.jsonl'), allPairs);
  const model = saveModel(cfg.out, policy, tok, cfg.template, 'llamats dpo');
  const evalResult = evaluateAgainst(policy, tok, sets, baseline, cfg.eval, cfg.template, scorer);
  const { steps, ...rest } = res!;
  const summary: DpoRunSummary = {
    out: cfg.out, model, scorer: scorer?.name ?? 'none',
    pairs: { source: cfg.data.source, total: allPairs.length, report: rounds[0]!.report },
    rounds,
    dpo: { ...rest, steps: steps.length, lossFirst: steps[0]?.loss ?? NaN, lossLast: steps.at(-1)?.loss ?? NaN },
    eval: evalResult,
    seconds: (performance.now() - t0) / 1000,
  };
  writeSummary(cfg.out, { ...summary, config: cfg });
  return summary;
}
