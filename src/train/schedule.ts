// What changes with the step: the learning rate (nanoGPT train.py `get_lr`, plus Llama 3's annealing tail) and
// the shape of the batch (batch-size ramp and staged context lengthening). Pure functions of the step, so a
// resumed run recomputes them instead of storing them.
import type { StageConfig, TrainConfig } from './config.js';

export interface LrSchedule {
  /** Peak learning rate. */
  lr: number;
  minLrRatio: number;
  steps: number;
  warmupSteps: number;
  annealSteps: number;
}

/**
 * Learning rate of optimizer step `step` (0-based):
 *   1) linear warmup over warmupSteps (nanoGPT: lr·(step+1)/(warmup+1), so step 0 is not 0);
 *   2) cosine from lr down to minLrRatio·lr at the start of annealing (Llama 2 §2.2: cosine to 10% of peak);
 *   3) annealing (Llama 3 §3.4.3): the last annealSteps steps go linearly from there to 0, reaching 0 one step
 *      after the last, so every step still learns.
 */
export function lrAt(step: number, s: LrSchedule): number {
  const minLr = s.lr * s.minLrRatio;
  const annealStart = s.steps - s.annealSteps;
  // 1) warmup
  if (step < s.warmupSteps) return (s.lr * (step + 1)) / (s.warmupSteps + 1);
  // 3) annealing
  if (step >= annealStart) return (minLr * (s.steps - step)) / s.annealSteps;
  // 2) cosine from the end of warmup to the start of annealing
  const decaySteps = annealStart - s.warmupSteps;
  const ratio = decaySteps > 0 ? (step - s.warmupSteps) / decaySteps : 1;
  const coeff = 0.5 * (1 + Math.cos(Math.PI * ratio));
  return minLr + coeff * (s.lr - minLr);
}

export function lrScheduleOf(c: TrainConfig): LrSchedule {
  const { steps, warmupSteps, annealSteps } = c.schedule;
  return { lr: c.optim.lr, minLrRatio: c.optim.minLrRatio, steps, warmupSteps, annealSteps };
}

/** True during the annealing phase (the data mix switches to the annealing mix). */
export function isAnnealing(step: number, s: Pick<LrSchedule, 'steps' | 'annealSteps'>): boolean {
  return s.annealSteps > 0 && step >= s.steps - s.annealSteps;
}

/** The batch shape of one optimizer step. */
export interface BatchShape {
  /** Index of the stage in the config. */
  stage: number;
  seqLen: number;
  /** Sequences per optimizer step. */
  batchSize: number;
  /** Sequences per forward/backward. */
  microBatch: number;
  /** batchSize / microBatch. */
  accumulation: number;
  /** RoPE base, or null for the model's own. */
  ropeTheta: number | null;
}

/** The stage in force at `step`: the last one whose fromStep ≤ step (stages are sorted, the first at 0). */
export function batchAt(step: number, stages: readonly StageConfig[]): BatchShape {
  let i = 0;
  while (i + 1 < stages.length && stages[i + 1]!.fromStep <= step) i++;
  const st = stages[i]!;
  const microBatch = st.microBatch ?? st.batchSize;
  return { stage: i, seqLen: st.seqLen, batchSize: st.batchSize, microBatch, accumulation: st.batchSize / microBatch, ropeTheta: st.ropeTheta ?? null };
}
