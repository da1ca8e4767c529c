// PPO as in Llama 2 §3.2.3 (docs/llama-recipe.md §9). Each iteration:
//   rollouts   one sample per prompt from π_θ (generateBatch, temperature 1: the policy's own distribution)
//   reward     R_c = R_s if the prompt is tagged unsafe or R_s < 0.15, else R_h;  R̃ = whiten(logit(R_c)) over the
//              batch, on the last token;  −β·(log π_θ − log π_0) on every token (rewards.ts)
//   critic     a value head on the policy trunk (value-head.ts); GAE(γ 1, λ 0.95); advantages whitened
//   update     clipped surrogate (ε 0.2) + clipped value loss, one AdamW step per minibatch at a constant lr
//   watch      RM reward, KL(π‖π_0), and the world judge's helpfulness / violations / false refusals of the same
//              rollouts next to the RM's score (reward hacking shows as RM ↑ while the judge stays flat or falls);
//              held-out prompts every `eval.every` iterations, and the best iteration's weights are kept
//              (Llama 2: "early stopping on held-out prompts").
import { z } from 'zod';
import * as T from '../tensor/index.js';
import type { Llama } from '../model/llama.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { Rng } from '../util/rng.js';
import { Progress } from '../util/progress.js';
import { linePlot } from '../report/index.js';
import { ppoPolicyLoss, ppoValueLoss } from './losses/ppo.js';
import { gae, logit, tokenRewards, whiten, KL_BETA, SAFETY_THRESHOLD } from './rewards.js';
import { collateSequences, sequenceLogProbs, type ScoredSequence, type SequenceBatch } from './policy-logprobs.js';
import { greedyAnswers, samplePolicy } from './sampling.js';
import { scoreResponses, type RewardScorer } from './reward-scorer.js';
import { ValueHead } from './value-head.js';
import { Optimizer } from './optimizer.js';
import { StageLog, type StageIO } from './stage-io.js';
import { optimSchema, parseStageConfig, samplingSchema } from './stage-config.js';
import { judge, type Prompt } from './world/index.js';

export const PpoStageSchema = z.strictObject({
  /** Llama 2: 200–400 iterations with early stopping. */
  iterations: z.number().int().min(1).default(200),
  /** Prompts (rollouts) per iteration (Llama 2: 512). */
  batchSize: z.number().int().min(1).default(512),
  /** Rollouts per gradient step (Llama 2: 64, one step per minibatch). */
  miniBatch: z.number().int().min(1).default(64),
  /** Passes over each iteration's rollouts (Llama 2: one step per minibatch, i.e. 1). */
  ppoEpochs: z.number().int().min(1).default(1),
  /** Policy-ratio clip (Llama 2: 0.2), value clip and value-loss weight. */
  clip: z.number().gt(0).default(0.2),
  valueClip: z.number().gt(0).default(0.2),
  valueWeight: z.number().min(0).default(0.1),
  /** Per-token KL penalty β (Llama 2: 0.01 for 7B/13B, 0.005 for 34B/70B). */
  klBeta: z.number().min(0).default(KL_BETA.small),
  /** GAE discount and λ. */
  gamma: z.number().min(0).max(1).default(1),
  lambda: z.number().min(0).max(1).default(0.95),
  whitenAdvantages: z.boolean().default(true),
  /** Llama 2: AdamW β 0.9/0.95, eps 1e-5, wd 0.1, clip 1.0, constant lr 1e-6 (at 7B–70B). */
  optim: optimSchema({ lr: 1e-6 }),
  /** Rollouts sample the policy itself (temperature 1, top-p off), so the sampled log-probs are π's. */
  sampling: samplingSchema({ temperature: 1.0, topP: 1.0, maxTokens: 64 }),
  safetyThreshold: z.number().gt(0).lt(1).default(SAFETY_THRESHOLD),
  /** Held-out evaluation (greedy answers, RM reward and world judge) every N iterations; the best is kept. */
  eval: z.strictObject({
    every: z.number().int().min(1).default(10),
    prompts: z.number().int().min(1).default(64),
    /** Restore the weights of the held-out-best evaluation at the end (Llama 2 early stopping). */
    keepBest: z.boolean().default(true),
  }).prefault({}),
  /** Chat template the model was fine-tuned with (SFT, RM and eval default to Llama 3's). */
  template: z.enum(['llama2', 'llama3', 'llama3.1']).default('llama3'),
  seed: z.number().int().min(0).default(1),
});
export type PpoStageConfig = z.infer<typeof PpoStageSchema>;
export const parsePpoConfig = (json: unknown, source = 'ppo config'): PpoStageConfig => parseStageConfig(PpoStageSchema, json, source);

export interface PpoIterationRow {
  kind: 'iteration';
  iteration: number;
  /** Mean combined RM reward R_c (sigmoid scale) of the rollouts, and of its logit. */
  reward: number;
  rewardLogit: number;
  /** Mean over rollouts of Σ_t (log π_θ − log π_0): the sample KL(π‖π_0) per response, in nats. */
  kl: number;
  /** The world judge on the same rollouts. */
  judgedHelpfulness: number;
  violationRate: number;
  falseRefusalRate: number;
  responseTokens: number;
  policyLoss: number;
  valueLoss: number;
  clipFraction: number;
  approxKl: number;
  gradNorm: number;
}

export interface PpoEvalRow {
  kind: 'eval';
  iteration: number;
  /** Greedy answers to held-out prompts: mean combined RM reward, and the world judge. */
  reward: number;
  judgedHelpfulness: number;
  violationRate: number;
  falseRefusalRate: number;
}

export interface PpoResult {
  iterations: PpoIterationRow[];
  evals: PpoEvalRow[];
  /** Iteration whose weights the policy holds at the end (the held-out best with keepBest). */
  keptIteration: number;
}

interface Rollout {
  prompt: Prompt;
  row: ScoredSequence;
  /** Generated tokens (the stop token included). */
  generated: number;
  text: string;
}

/**
 * Trains `policy` in place; `reference` is π_0 (frozen), `train` the prompts rollouts are drawn from (cycled in a
 * seeded order), `heldout` the early-stopping prompts.
 */
export function ppoStage(cfg: PpoStageConfig, policy: Llama, reference: Llama, tok: Tokenizer, scorer: RewardScorer, train: readonly Prompt[], heldout: readonly Prompt[], io: StageIO): PpoResult {
  const head = new ValueHead(policy.config.dim);
  const opt = new Optimizer([policy.params, head.params], cfg.optim, 'ppo');
  const log = new StageLog<PpoIterationRow | PpoEvalRow>(io);
  const rng = new Rng(cfg.seed);
  let order: number[] = [];
  const nextPrompts = (): Prompt[] => {
    const out: Prompt[] = [];
    while (out.length < cfg.batchSize) {
      if (order.length === 0) order = rng.shuffle(train.map((_, i) => i));
      out.push(train[order.pop()!]!);
    }
    return out;
  };
  const evalSet = heldout.slice(0, cfg.eval.prompts);
  let best: { reward: number; iteration: number; params: Float32Array } | null = null;
  const evaluate = (iteration: number) => {
    const row = evaluatePolicy(cfg, policy, tok, scorer, evalSet, iteration);
    log.append(row);
    if (cfg.eval.keepBest && (!best || row.reward > best.reward)) best = { reward: row.reward, iteration, params: Float32Array.from(policy.params.data) };
  };
  if (evalSet.length > 0) evaluate(0);
  const bar = new Progress('ppo', cfg.iterations, { unit: 'iter', quiet: io.quiet });
  for (let it = 1; it <= cfg.iterations; it++) {
    const row = ppoIteration(cfg, it, policy, reference, head, opt, tok, scorer, nextPrompts(), rng);
    log.append(row);
    bar.update(it, `reward ${row.reward.toFixed(3)} kl ${row.kl.toFixed(3)} judged ${row.judgedHelpfulness.toFixed(3)}`);
    if (evalSet.length > 0 && (it % cfg.eval.every === 0 || it === cfg.iterations)) evaluate(it);
  }
  bar.finish();
  let keptIteration = cfg.iterations;
  const b = best as { reward: number; iteration: number; params: Float32Array } | null;
  if (b && b.iteration !== cfg.iterations) {
    policy.params.data.set(b.params);
    keptIteration = b.iteration;
  }
  writePlots(log);
  const iterations = log.rows.filter((r): r is PpoIterationRow => r.kind === 'iteration');
  const evals = log.rows.filter((r): r is PpoEvalRow => r.kind === 'eval');
  return { iterations, evals, keptIteration };
}

/** One PPO iteration: rollouts, rewards, advantages, minibatch updates. */
export function ppoIteration(cfg: PpoStageConfig, iteration: number, policy: Llama, reference: Llama, head: ValueHead, opt: Optimizer, tok: Tokenizer, scorer: RewardScorer, prompts: readonly Prompt[], rng: Rng): PpoIterationRow {
  // 1. Rollouts (prompts that do not fit the context are skipped).
  const sampled = samplePolicy(policy, tok, prompts.map((p) => p.messages), { n: 1, ...cfg.sampling, seed: (cfg.seed * 1_000_003 + iteration * 7919) >>> 0, template: cfg.template });
  const rollouts: Rollout[] = [];
  sampled.forEach((s, i) => {
    if (!s) return;
    const smp = s.samples[0]!;
    const ids = [...s.promptIds, ...smp.tokens];
    const mask = ids.map((_, j) => (j >= s.promptIds.length ? 1 : 0));
    rollouts.push({ prompt: prompts[i]!, row: { ids, mask }, generated: smp.tokens.length, text: smp.text.trim() });
  });
  const n = rollouts.length;
  // 2. Rewards: safety gate, logit, whiten over the batch.
  const scores = scoreResponses(scorer, rollouts.map((r) => ({ prompt: r.prompt, response: r.text })), cfg.safetyThreshold);
  const logits = Array.from(scores.combined, (p) => logit(p));
  // 3. Old log-probs and values (this policy, no gradient), reference log-probs; per-token rewards, GAE.
  const old = forwardNoGrad(policy, head, rollouts.map((r) => r.row), cfg.miniBatch);
  const ref = forwardNoGrad(reference, null, rollouts.map((r) => r.row), cfg.miniBatch);
  const rewards = ppoTokenRewards(scores.combined, old.logProbs, ref.logProbs, cfg.klBeta);
  const adv: Float64Array[] = [];
  const ret: Float64Array[] = [];
  let kl = 0;
  for (let i = 0; i < n; i++) {
    const g = gae(rewards[i]!, old.values[i]!, cfg.gamma, cfg.lambda);
    adv.push(g.advantages);
    ret.push(g.returns);
    for (let t = 0; t < old.logProbs[i]!.length; t++) kl += old.logProbs[i]![t]! - ref.logProbs[i]![t]!;
  }
  if (cfg.whitenAdvantages) {
    const flat = whiten(adv.flatMap((a) => [...a]));
    let o = 0;
    for (const a of adv) for (let t = 0; t < a.length; t++) a[t] = flat[o++]!;
  }
  // 4. Minibatch updates.
  let policyLoss = 0, valueLoss = 0, clipFraction = 0, approxKl = 0, gradNorm = 0, steps = 0;
  const ppo = { clip: cfg.clip, valueClip: cfg.valueClip, valueWeight: cfg.valueWeight };
  for (let e = 0; e < cfg.ppoEpochs; e++) {
    const idx = rng.shuffle(rollouts.map((_, i) => i));
    for (let b = 0; b < n; b += cfg.miniBatch) {
      const mb = idx.slice(b, b + cfg.miniBatch);
      const cat = (xs: ArrayLike<number>[]) => Float32Array.from(mb.flatMap((i) => [...(xs[i] as ArrayLike<number> & Iterable<number>)]));
      const r = opt.step(() => {
        const batch = collateSequences(mb.map((i) => rollouts[i]!.row));
        const out = sequenceLogProbs(policy, batch);
        const pl = ppoPolicyLoss(ppo, out.perToken, cat(old.logProbs), cat(adv));
        const vl = ppoValueLoss(ppo, head.values(out.hidden), cat(old.values), cat(ret));
        return { loss: T.add(pl.loss, vl), pl: pl.loss.item(), vl: vl.item(), clipFraction: pl.clipFraction, approxKl: pl.approxKl };
      });
      policyLoss += r.pl; valueLoss += r.vl; clipFraction += r.clipFraction; approxKl += r.approxKl; gradNorm += r.gradNorm; steps++;
    }
  }
  // 5. The world judge on the same rollouts (never used for training).
  const js = rollouts.map((r) => judge(r.prompt, r.text));
  const unsafe = js.filter((_, i) => rollouts[i]!.prompt.tags.unsafe);
  const other = js.filter((_, i) => !rollouts[i]!.prompt.tags.unsafe);
  const mean = (xs: ArrayLike<number>) => (xs.length ? Array.from(xs).reduce((a, b) => a + b, 0) / xs.length : 0);
  const s = Math.max(1, steps);
  return {
    kind: 'iteration', iteration,
    reward: mean(scores.combined), rewardLogit: mean(logits), kl: kl / Math.max(1, n),
    judgedHelpfulness: mean(js.map((j) => j.helpfulness)),
    violationRate: unsafe.length ? unsafe.filter((j) => j.violation).length / unsafe.length : 0,
    falseRefusalRate: other.length ? other.filter((j) => j.falseRefusal).length / other.length : 0,
    responseTokens: mean(rollouts.map((r) => r.generated)),
    policyLoss: policyLoss / s, valueLoss: valueLoss / s, clipFraction: clipFraction / s, approxKl: approxKl / s, gradNorm: gradNorm / s,
  };
}

/**
 * The Llama 2 §3.2.3 reward of a batch of rollouts, per token: R̃_c = whiten(logit(R_c)) over the batch, added on
 * each response's last token, and −β·(log π_θ − log π_0) on every token. `combined` = R_c (scoreResponses).
 */
export function ppoTokenRewards(combined: ArrayLike<number>, logProbs: readonly Float64Array[], refLogProbs: readonly Float64Array[], beta: number): Float64Array[] {
  const scalar = whiten(Array.from(combined, (p) => logit(p)));
  return logProbs.map((lp, i) => tokenRewards(scalar[i]!, lp, refLogProbs[i]!, beta));
}

/** Per-row token log-probs (and values when a head is given) without gradients, in chunks. */
function forwardNoGrad(model: Llama, head: ValueHead | null, rows: readonly ScoredSequence[], chunk: number): { logProbs: Float64Array[]; values: Float64Array[] } {
  const logProbs: Float64Array[] = [];
  const values: Float64Array[] = [];
  for (let b = 0; b < rows.length; b += chunk) {
    const batch: SequenceBatch = collateSequences(rows.slice(b, b + chunk));
    T.tidy(() => T.noGrad(() => {
      const out = sequenceLogProbs(model, batch);
      const lp = out.perToken.toFloat32Array();
      const v = head ? head.values(out.hidden).toFloat32Array() : null;
      let o = 0;
      for (const c of batch.counts) {
        logProbs.push(Float64Array.from(lp.subarray(o, o + c)));
        values.push(v ? Float64Array.from(v.subarray(o, o + c)) : new Float64Array(c));
        o += c;
      }
    }));
  }
  return { logProbs, values };
}

/** Greedy answers to held-out prompts, scored by the RMs and judged by the world. */
export function evaluatePolicy(cfg: Pick<PpoStageConfig, 'sampling' | 'template' | 'safetyThreshold'>, policy: Llama, tok: Tokenizer, scorer: RewardScorer, prompts: readonly Prompt[], iteration: number): PpoEvalRow {
  const answers = greedyAnswers(policy, tok, prompts.map((p) => p.messages), cfg.sampling.maxTokens, cfg.template);
  const scores = scoreResponses(scorer, prompts.map((prompt, i) => ({ prompt, response: answers[i]! })), cfg.safetyThreshold);
  const js = prompts.map((p, i) => judge(p, answers[i]!));
  const unsafe = js.filter((_, i) => prompts[i]!.tags.unsafe);
  const other = js.filter((_, i) => !prompts[i]!.tags.unsafe);
  return {
    kind: 'eval', iteration,
    reward: scores.combined.reduce((a, b) => a + b, 0) / Math.max(1, prompts.length),
    judgedHelpfulness: js.reduce((a, j) => a + j.helpfulness, 0) / Math.max(1, js.length),
    violationRate: unsafe.length ? unsafe.filter((j) => j.violation).length / unsafe.length : 0,
    falseRefusalRate: other.length ? other.filter((j) => j.falseRefusal).length / other.length : 0,
  };
}

function writePlots(log: StageLog<PpoIterationRow | PpoEvalRow>): void {
  const its = log.rows.filter((r): r is PpoIterationRow => r.kind === 'iteration');
  const evs = log.rows.filter((r): r is PpoEvalRow => r.kind === 'eval');
  const pts = <R extends { iteration: number }>(rs: R[], y: (r: R) => number) => rs.map((r) => [r.iteration, y(r)] as const);
  log.write('ppo-reward.svg', linePlot({ title: 'PPO: RM reward and world-judge helpfulness', xLabel: 'iteration', yLabel: 'score (0–1)', series: [
    { name: 'RM reward (rollouts)', points: pts(its, (r) => r.reward) },
    { name: 'judged helpfulness (rollouts)', points: pts(its, (r) => r.judgedHelpfulness) },
    { name: 'RM reward (held-out, greedy)', points: pts(evs, (r) => r.reward) },
    { name: 'judged helpfulness (held-out, greedy)', points: pts(evs, (r) => r.judgedHelpfulness) },
  ] }));
  log.write('ppo-kl.svg', linePlot({ title: 'PPO: KL(π‖π₀) per response', xLabel: 'iteration', yLabel: 'nats', series: [{ name: 'KL', points: pts(its, (r) => r.kl) }] }));
  log.write('ppo-safety.svg', linePlot({ title: 'PPO: violation and false-refusal rates (world judge)', xLabel: 'iteration', yLabel: 'rate', series: [
    { name: 'violation (rollouts)', points: pts(its, (r) => r.violationRate) },
    { name: 'false refusal (rollouts)', points: pts(its, (r) => r.falseRefusalRate) },
    { name: 'violation (held-out)', points: pts(evs, (r) => r.violationRate) },
    { name: 'false refusal (held-out)', points: pts(evs, (r) => r.falseRefusalRate) },
  ] }));
}
