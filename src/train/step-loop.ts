// The optimisation loop shared by the stages after pretraining (SFT, reward models; DPO and PPO can use it too):
// the same components as the pretraining loop (loop.ts) — lrAt warmup + cosine, global-norm clipping, the
// NaN/Inf stop, AdamW with decay groups, metrics.jsonl + SVG plots, a progress bar — with the forward/backward
// pass handed in, so a stage only says how a step computes its loss (torchtune: recipes are thin over components).
//
// Per step (step.ts `optimizerStep`): zero the gradients → `hooks.step(step)` runs forward/backward and leaves the gradient of the step's
// loss in params.grad (the stage normalises it) → clip → check → AdamW at lrAt(step) → log; every evalEvery
// steps and after the last, `hooks.evaluate` (no gradients) gives a held-out loss.
import type { ParameterSet } from '../tensor/index.js';
import { NonFiniteError } from '../util/errors.js';
import { Progress } from '../util/progress.js';
import { AdamW, type AdamWConfig } from './adamw.js';
import { MetricsLog } from './metrics.js';
import { lrAt, type LrSchedule } from './schedule.js';
import { optimizerStep } from './step.js';

export interface StepLoopConfig {
  schedule: LrSchedule;
  optim: AdamWConfig & { gradClip: number };
  /** Held-out evaluation every N steps (and after the last). */
  evalEvery: number;
  /** Metrics row every N steps (and after the last). */
  logEvery: number;
}

export interface StepHooks {
  /** Forward and backward of step `step` (0-based): gradients added into params.grad. Returns the loss and tokens. */
  step(step: number): { loss: number; tokens: number; seqLen?: number; batchSize?: number };
  /** Held-out loss of the current parameters (computed without gradients). */
  evaluate?(step: number): number;
}

export interface StepLoopResult {
  /** Training loss per step. */
  losses: number[];
  /** (step, held-out loss) after each evaluation. */
  evals: [number, number][];
  seconds: number;
}

/** Runs cfg.schedule.steps optimizer steps over `params`; writes metrics.jsonl and plots into `out` when given. */
export function runSteps(params: ParameterSet, cfg: StepLoopConfig, hooks: StepHooks, io: { out: string | null; label: string; quiet?: boolean }): StepLoopResult {
  const steps = cfg.schedule.steps;
  const opt = new AdamW(params, cfg.optim);
  const log = io.out === null ? null : new MetricsLog(io.out);
  log?.truncateAfter(0);
  const bar = new Progress(io.label, steps, { unit: 'step', quiet: io.quiet });
  const losses: number[] = [];
  const evals: [number, number][] = [];
  const t00 = performance.now();
  let tokens = 0;
  for (let step = 0; step < steps; step++) {
    const lr = lrAt(step, cfg.schedule);
    const t0 = performance.now();
    let r: ReturnType<StepHooks['step']> = { loss: NaN, tokens: 0 };
    const { gradNorm } = optimizerStep(params, opt, lr, cfg.optim.gradClip, () => (r = hooks.step(step)).loss, (f) =>
      new NonFiniteError(`${io.label} step ${step + 1}: loss ${f.loss}, gradient norm ${f.gradNorm}${f.param ? ` (first non-finite gradient: ${f.param})` : ''}; stopped before the update. Lower the learning rate.`));
    losses.push(r.loss);
    tokens += r.tokens;
    const done = step + 1;
    const tokPerSec = r.tokens / ((performance.now() - t0) / 1000);
    if (done % cfg.logEvery === 0 || done === steps) log?.append({ kind: 'train', step: done, tokens, loss: r.loss, lr, gradNorm, seqLen: r.seqLen ?? 0, batchSize: r.batchSize ?? 0, tokPerSec });
    let info = '';
    if (hooks.evaluate && (done % cfg.evalEvery === 0 || done === steps)) {
      const valLoss = hooks.evaluate(done);
      evals.push([done, valLoss]);
      log?.append({ kind: 'eval', step: done, tokens, valLoss, valPpl: Math.exp(valLoss) });
      info = ` val ${valLoss.toFixed(4)}`;
    }
    bar.update(done, `loss ${r.loss.toFixed(4)}${info} lr ${lr.toExponential(2)}`);
  }
  bar.finish();
  log?.writePlots();
  return { losses, evals, seconds: (performance.now() - t00) / 1000 };
}

/** Llama 2 §3.2.2 reward-model warmup: 3% of the steps, at least 5 (never more than the run). */
export function warmupStepsFor(steps: number, fraction: number, minSteps: number): number {
  return Math.min(steps, Math.max(minSteps, Math.ceil(fraction * steps)));
}
