// Iterative post-training, as each paper ran it.
//   Llama 2 (§3.2.3; recipe §9): RLHF-V1 … Vn are rejection-sampling rounds — each samples K answers per prompt
//     from the latest model, keeps the RM's best and fine-tunes on them (from `poolFrom` on, the targets pool the
//     best samples of ALL earlier rounds, as Llama 2 did after V3's regressions) — then PPO on top of the last RS
//     model, with that model as π_0.
//   Llama 3 (§4.1.5–6; recipe §11): each round is RS → SFT → DPO on fresh preference pairs sampled from the
//     round's SFT model, and the round's final model is the average of `variants` DPO runs (different data
//     orders; Llama 3 averages models from different data or hyperparameter versions at each stage).
// Every round ends with the same measurement against the starting (SFT) model on held-out prompts: RM reward,
// the world judge's helpfulness, violation and false-refusal rates, and the judged win rate.
import type { Llama } from '../model/llama.js';
import type { Tokenizer } from '../tokenizer/types.js';
import type { ChatTemplateName } from '../tokenizer/chat-templates.js';
import { averageParams } from '../train/average.js';
import { Rng } from '../util/rng.js';
import { join } from 'node:path';
import type { ChatExample, Prompt } from './world/index.js';
import type { RewardScorer } from './reward-scorer.js';
import { compare, measure, type Comparison } from './compare.js';
import { rsStage, type FineTune, type RejectionSamplingConfig, type RsItem, type RsSummary } from './rejection-sampling.js';
import { ppoStage, type PpoResult, type PpoStageConfig } from './ppo.js';
import { dpoStage, type DpoResult, type DpoStageConfig } from './dpo.js';
import { samplePreferencePairs, type PreferenceSamplingConfig, type PreferenceSamplingReport } from './preference-sampling.js';
import { frozenCopy, trainableCopy } from './reference.js';
import { StageLog, type StageIO } from './stage-io.js';

export interface RoundsContext {
  tok: Tokenizer;
  scorer: RewardScorer;
  /** Training prompts; round r uses slice r of `promptsPerRound` (cycling when they run out). */
  train: readonly Prompt[];
  /** Held-out prompts for the per-round comparison with the starting model. */
  heldout: readonly Prompt[];
  /** The SFT stage, used to fine-tune on rejection-sampled answers. */
  finetune: FineTune;
  template?: ChatTemplateName;
  maxTokens: number;
  io: StageIO;
}

function roundPrompts(train: readonly Prompt[], round: number, n: number): Prompt[] {
  return Array.from({ length: Math.min(n, train.length) }, (_, i) => train[(round * n + i) % train.length]!);
}

const sub = (io: StageIO, name: string): StageIO => ({ ...io, out: io.out === null ? null : join(io.out, name) });

export interface Llama2RoundsConfig {
  /** RLHF versions done by rejection sampling (Llama 2: V1–V4). */
  rsRounds: number;
  promptsPerRound: number;
  /** First round (1-based) whose targets pool all earlier rounds' best samples (Llama 2: after V3, i.e. 4). */
  poolFrom: number;
  rs: RejectionSamplingConfig;
  /** PPO on top of the last RS model (Llama 2 V5); null skips it. */
  ppo: PpoStageConfig | null;
}

export interface RoundRow {
  round: string;
  comparison: Comparison;
  rs?: RsSummary;
  ppo?: Pick<PpoResult, 'keptIteration'> & { iterations: number; finalKl: number };
  preferences?: PreferenceSamplingReport;
  dpo?: Pick<DpoResult, 'pairs' | 'before' | 'after'>[];
}

/** Llama 2: RS rounds, then PPO on top. `policy` (the SFT model) is trained in place; returns per-round metrics. */
export function llama2Rounds(cfg: Llama2RoundsConfig, policy: Llama, ctx: RoundsContext): RoundRow[] {
  const log = new StageLog<RoundRow>(ctx.io, 'rounds.jsonl');
  const mo = { maxTokens: ctx.maxTokens, template: ctx.template, scorer: ctx.scorer };
  const baseline = measure(policy, ctx.tok, ctx.heldout, mo);
  const history: RsItem[][] = [];
  for (let r = 0; r < cfg.rsRounds; r++) {
    const pool = r + 1 >= cfg.poolFrom ? history : [];
    const rs = rsStage({ ...cfg.rs, seed: cfg.rs.seed + r }, policy, ctx.tok, ctx.scorer, roundPrompts(ctx.train, r, cfg.promptsPerRound), ctx.finetune, sub(ctx.io, `v${r + 1}-rs`), pool);
    history.push(rs.items);
    log.append({ round: `RLHF-V${r + 1} (RS)`, rs: rs.summary, comparison: compare(policy, baseline, ctx.tok, ctx.heldout, mo) });
  }
  if (cfg.ppo) {
    const reference = frozenCopy(policy);
    const res = ppoStage(cfg.ppo, policy, reference, ctx.tok, ctx.scorer, roundPrompts(ctx.train, cfg.rsRounds, cfg.promptsPerRound), ctx.heldout, sub(ctx.io, `v${cfg.rsRounds + 1}-ppo`));
    log.append({
      round: `RLHF-V${cfg.rsRounds + 1} (PPO)`,
      ppo: { keptIteration: res.keptIteration, iterations: res.iterations.length, finalKl: res.iterations.at(-1)?.kl ?? 0 },
      comparison: compare(policy, baseline, ctx.tok, ctx.heldout, mo),
    });
  }
  return log.rows;
}

export interface Llama3RoundsConfig {
  rounds: number;
  promptsPerRound: number;
  /** Rejection sampling + SFT at the start of each round (null: DPO only). */
  rs: RejectionSamplingConfig | null;
  preferences: PreferenceSamplingConfig;
  dpo: DpoStageConfig;
  /** DPO runs per round (data orders differ by seed), averaged into the round's model (1 = no averaging). */
  variants: number;
}

/** Llama 3: rounds of RS → SFT → DPO on fresh on-policy pairs, with model averaging. Trains `policy` in place. */
export function llama3Rounds(cfg: Llama3RoundsConfig, policy: Llama, ctx: RoundsContext): RoundRow[] {
  const log = new StageLog<RoundRow>(ctx.io, 'rounds.jsonl');
  const mo = { maxTokens: ctx.maxTokens, template: ctx.template, scorer: ctx.scorer };
  const baseline = measure(policy, ctx.tok, ctx.heldout, mo);
  for (let r = 0; r < cfg.rounds; r++) {
    const prompts = roundPrompts(ctx.train, r, cfg.promptsPerRound);
    const row: RoundRow = { round: `round ${r + 1}`, comparison: undefined as unknown as Comparison };
    if (cfg.rs) row.rs = rsStage({ ...cfg.rs, seed: cfg.rs.seed + r }, policy, ctx.tok, ctx.scorer, prompts, ctx.finetune, sub(ctx.io, `round${r + 1}-rs`)).summary;
    // Fresh pairs from the round's SFT model; it is also the DPO reference.
    const { pairs, report } = samplePreferencePairs({ ...cfg.preferences, seed: cfg.preferences.seed + r }, policy, ctx.tok, prompts, new Rng(cfg.preferences.seed * 31 + r), { scorer: ctx.scorer, template: ctx.template });
    row.preferences = report;
    const reference = frozenCopy(policy);
    const runs: { model: Llama; result: DpoResult }[] = [];
    for (let v = 0; v < cfg.variants; v++) {
      const model = trainableCopy(reference);
      runs.push({ model, result: dpoStage({ ...cfg.dpo, seed: cfg.dpo.seed + 101 * v + r }, model, reference, ctx.tok, pairs, sub(ctx.io, `round${r + 1}-dpo${cfg.variants > 1 ? `-${v + 1}` : ''}`)) });
    }
    policy.params.data.set(runs.length === 1 ? runs[0]!.model.params.data : averageParams(runs.map((x) => x.model.params.data)));
    row.dpo = runs.map((x) => ({ pairs: x.result.pairs, before: x.result.before, after: x.result.after }));
    row.comparison = compare(policy, baseline, ctx.tok, ctx.heldout, mo);
    log.append(row);
  }
  return log.rows;
}

/** Chat examples → the fine-tune callback's input (re-exported type for the CLI wiring). */
export type { ChatExample };
