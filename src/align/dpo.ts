// The DPO stage as Llama 3 runs it (§4.1.4; docs/llama-recipe.md §11): β 0.1, lr 1e-5, the chat-format tokens
// (headers, end of turn) masked out of both responses' log-probs, 0.2 × the length-normalised NLL of the chosen
// response, and a frozen reference model (the SFT checkpoint the round started from) passed in as an argument.
// Thin wiring: pairs → rows (chat-rows.ts) → one forward over chosen + rejected rows (policy-logprobs.ts) →
// dpoLoss (losses/dpo.ts) → Optimizer. The reference log-probs are computed once, under noGrad, before the
// first update (the reference never changes, so re-running it every epoch would only cost time).
import { z } from 'zod';
import * as T from '../tensor/index.js';
import type { Llama } from '../model/llama.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { Rng } from '../util/rng.js';
import { Progress } from '../util/progress.js';
import { linePlot } from '../report/index.js';
import { dpoLoss, type PreferenceLogProbs } from './losses/dpo.js';
import { collateSequences, sequenceLogProbs, type ScoredSequence } from './policy-logprobs.js';
import { responseRow } from './chat-rows.js';
import { Optimizer } from './optimizer.js';
import { StageLog, type StageIO } from './stage-io.js';
import { parseStageConfig, optimSchema } from './stage-config.js';
import type { Message } from './world/index.js';

export const DpoStageSchema = z.strictObject({
  /** KL strength β (Llama 3 §4.1.4: 0.1). */
  beta: z.number().positive().default(0.1),
  /** Weight of the length-normalised NLL of the chosen response (Llama 3 §4.1.4, after Pang et al. 2024: 0.2). */
  nllWeight: z.number().min(0).default(0.2),
  /** Mask header and termination tokens out of both responses (Llama 3 §4.1.4). */
  maskFormat: z.boolean().default(true),
  /** Llama 3 §4.1.4: lr 1e-5 (at 8B–405B); tiny models need more (configs/dpo-tiny.json, with its sweep). */
  optim: optimSchema({ lr: 1e-5 }),
  /** Passes over the pairs (Llama 3 trains on the newest batches of each round). */
  epochs: z.number().int().min(1).default(1),
  /** Pairs per update (each contributes a chosen and a rejected row to one forward pass). */
  batchPairs: z.number().int().min(1).default(16),
  /** Chat template the model was fine-tuned with (SFT, RM and eval default to Llama 3's). */
  template: z.enum(['llama2', 'llama3', 'llama3.1']).default('llama3'),
  /** Shuffles the pairs each epoch. */
  seed: z.number().int().min(0).default(1),
});
export type DpoStageConfig = z.infer<typeof DpoStageSchema>;
export const parseDpoConfig = (json: unknown, source = 'dpo config'): DpoStageConfig => parseStageConfig(DpoStageSchema, json, source);

/** One preference pair in text (the prompt as chat messages, two assistant answers). */
export interface TextPair {
  prompt: readonly Message[];
  chosen: string;
  rejected: string;
}

export interface DpoStepRow {
  kind: 'dpo';
  step: number;
  epoch: number;
  /** Mean total loss (DPO + NLL term) over the batch. */
  loss: number;
  /** Share of pairs whose implicit reward β·log(π/π_ref) ranks chosen above rejected. */
  accuracy: number;
  /** Mean implicit-reward margin (chosen − rejected). */
  margin: number;
  chosenReward: number;
  rejectedReward: number;
  gradNorm: number;
  lr: number;
}

export interface PairStats {
  loss: number;
  accuracy: number;
  margin: number;
  /** Mean log π(chosen) per scored token (the NLL term's quantity; should not collapse). */
  chosenLogProbPerToken: number;
}

export interface DpoResult {
  pairs: number;
  /** Pairs dropped because a row is longer than the model's context. */
  dropped: number;
  steps: DpoStepRow[];
  /** Over all pairs, before the first update and after the last (the policy starts equal to the reference). */
  before: PairStats;
  after: PairStats;
}

interface PairRows {
  chosen: ScoredSequence;
  rejected: ScoredSequence;
}

/** Trains `policy` in place on `pairs` against the frozen `reference`; returns the per-step metrics. */
export function dpoStage(cfg: DpoStageConfig, policy: Llama, reference: Llama, tok: Tokenizer, pairs: readonly TextPair[], io: StageIO): DpoResult {
  const opts = { template: cfg.template, maskFormat: cfg.maskFormat };
  const all = pairs.map((p): PairRows => ({ chosen: responseRow(tok, p.prompt, p.chosen, opts), rejected: responseRow(tok, p.prompt, p.rejected, opts) }));
  const fits = (r: PairRows) => Math.max(r.chosen.ids.length, r.rejected.ids.length) <= policy.config.maxSeqLen;
  const rows = all.filter(fits);
  const ref = referenceLogProbs(reference, rows, cfg.batchPairs);
  const log = new StageLog<DpoStepRow>(io);
  const before = pairStats(cfg, policy, rows, ref);
  const opt = new Optimizer([policy.params], cfg.optim, 'dpo');
  const rng = new Rng(cfg.seed);
  const perEpoch = Math.ceil(rows.length / cfg.batchPairs);
  const bar = new Progress('dpo', perEpoch * cfg.epochs, { unit: 'step', quiet: io.quiet });
  for (let epoch = 0; epoch < cfg.epochs; epoch++) {
    const order = rng.shuffle(rows.map((_, i) => i));
    for (let b = 0; b < order.length; b += cfg.batchPairs) {
      const idx = order.slice(b, b + cfg.batchPairs);
      const r = opt.step(() => {
        const out = pairLosses(cfg, policy, idx.map((i) => rows[i]!), pick(ref, idx));
        return { loss: T.mean(out.losses), ...summarizeRewards(out.chosenRewards, out.rejectedRewards) };
      });
      log.append({ kind: 'dpo', step: opt.updates, epoch, loss: r.loss, accuracy: r.accuracy, margin: r.margin, chosenReward: r.chosenReward, rejectedReward: r.rejectedReward, gradNorm: r.gradNorm, lr: cfg.optim.lr });
      bar.update(opt.updates, `loss ${r.loss.toFixed(4)} acc ${r.accuracy.toFixed(2)} margin ${r.margin.toFixed(3)}`);
    }
  }
  bar.finish();
  const after = pairStats(cfg, policy, rows, ref);
  const steps = log.rows;
  const pts = (y: (s: DpoStepRow) => number) => steps.map((s) => [s.step, y(s)] as const);
  log.write('dpo-loss.svg', linePlot({ title: 'DPO loss', xLabel: 'step', yLabel: 'loss', series: [{ name: 'loss', points: pts((s) => s.loss) }] }));
  log.write('dpo-rewards.svg', linePlot({ title: 'DPO implicit rewards β·log(π/π_ref)', xLabel: 'step', yLabel: 'reward', series: [
    { name: 'chosen', points: pts((s) => s.chosenReward) }, { name: 'rejected', points: pts((s) => s.rejectedReward) }, { name: 'margin', points: pts((s) => s.margin) },
  ] }));
  return { pairs: rows.length, dropped: all.length - rows.length, steps, before, after };
}

/** Reference sums for every pair, computed once (noGrad), batched like training. */
export function referenceLogProbs(reference: Llama, rows: readonly PairRows[], batchPairs: number): { chosen: Float32Array; rejected: Float32Array } {
  const chosen = new Float32Array(rows.length);
  const rejected = new Float32Array(rows.length);
  for (let b = 0; b < rows.length; b += batchPairs) {
    const part = rows.slice(b, b + batchPairs);
    const sums = T.tidy(() => T.noGrad(() => sequenceLogProbs(reference, collateSequences([...part.map((r) => r.chosen), ...part.map((r) => r.rejected)])).sums.toFloat32Array()));
    chosen.set(sums.subarray(0, part.length), b);
    rejected.set(sums.subarray(part.length), b);
  }
  return { chosen, rejected };
}

/** The DPO losses of a batch of pairs: one forward over [chosen rows; rejected rows]. */
export function pairLosses(cfg: Pick<DpoStageConfig, 'beta' | 'nllWeight'>, policy: Llama, rows: readonly PairRows[], ref: { chosen: Float32Array; rejected: Float32Array }) {
  const P = rows.length;
  const batch = collateSequences([...rows.map((r) => r.chosen), ...rows.map((r) => r.rejected)]);
  const { sums } = sequenceLogProbs(policy, batch);
  const pol: PreferenceLogProbs = { chosen: T.narrow(sums, 0, 0, P), rejected: T.narrow(sums, 0, P, P) };
  const refLp: PreferenceLogProbs = { chosen: T.tensor(ref.chosen), rejected: T.tensor(ref.rejected) };
  const chosenTokens = Float32Array.from(batch.counts.subarray(0, P));
  return { ...dpoLoss({ beta: cfg.beta, nllWeight: cfg.nllWeight }, pol, refLp, chosenTokens), chosenSums: pol.chosen, chosenTokens };
}

function pick(ref: { chosen: Float32Array; rejected: Float32Array }, idx: readonly number[]) {
  return { chosen: Float32Array.from(idx, (i) => ref.chosen[i]!), rejected: Float32Array.from(idx, (i) => ref.rejected[i]!) };
}

function summarizeRewards(c: Float32Array, r: Float32Array): { accuracy: number; margin: number; chosenReward: number; rejectedReward: number } {
  let acc = 0;
  let margin = 0;
  let cs = 0;
  let rs = 0;
  for (let i = 0; i < c.length; i++) {
    if (c[i]! > r[i]!) acc++;
    margin += c[i]! - r[i]!;
    cs += c[i]!;
    rs += r[i]!;
  }
  const n = Math.max(1, c.length);
  return { accuracy: acc / n, margin: margin / n, chosenReward: cs / n, rejectedReward: rs / n };
}

/** Loss, implicit-reward accuracy and margin over all pairs, without updating (noGrad). */
export function pairStats(cfg: Pick<DpoStageConfig, 'beta' | 'nllWeight' | 'batchPairs'>, policy: Llama, rows: readonly PairRows[], ref: { chosen: Float32Array; rejected: Float32Array }): PairStats {
  let loss = 0;
  let acc = 0;
  let margin = 0;
  let lp = 0;
  let tokens = 0;
  for (let b = 0; b < rows.length; b += cfg.batchPairs) {
    const idx = Array.from({ length: Math.min(cfg.batchPairs, rows.length - b) }, (_, i) => b + i);
    T.tidy(() => T.noGrad(() => {
      const out = pairLosses(cfg, policy, idx.map((i) => rows[i]!), pick(ref, idx));
      loss += T.sum(out.losses).item();
      const s = summarizeRewards(out.chosenRewards, out.rejectedRewards);
      acc += s.accuracy * idx.length;
      margin += s.margin * idx.length;
      lp += T.sum(out.chosenSums).item();
      for (const n of out.chosenTokens) tokens += n;
    }));
  }
  const n = Math.max(1, rows.length);
  return { loss: loss / n, accuracy: acc / n, margin: margin / n, chosenLogProbPerToken: lp / Math.max(1, tokens) };
}
