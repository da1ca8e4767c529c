// The pretraining loop (nanoGPT train.py: defaults, then one loop). Per optimizer step:
//   shape and LR from the schedule → micro-batches with gradient accumulation → global-norm clipping →
//   NaN/Inf check → AdamW → metrics; every eval.every steps the held-out loss; every checkpoint.every steps a
//   checkpoint (atomic, checksummed). After the last step: Polyak average of the last checkpoints.
// Resume restores parameters, AdamW moments, the step and the data cursor from the newest checkpoint; with
// deterministic kernels and a seeded data stream the losses that follow equal an uninterrupted run's bit for bit.
import * as T from '../tensor/index.js';
import { Llama, initLlama } from '../model/llama.js';
import { ConfigError, FileFormatError, NonFiniteError } from '../util/errors.js';
import { Progress, fmtCount } from '../util/progress.js';
import { AdamW } from './adamw.js';
import { ParamAverage } from './average.js';
import { checkpointPath, listCheckpoints, loadCheckpoint, pruneCheckpoints, saveCheckpoint } from './checkpoint.js';
import { modelConfigOf, type TrainConfig } from './config.js';
import type { Batch, TrainData } from './data.js';
import { MetricsLog } from './metrics.js';
import { batchAt, isAnnealing, lrAt, lrScheduleOf, type BatchShape } from './schedule.js';
import { optimizerStep, type NonFinite } from './step.js';

export interface TrainOptions {
  /** Continue from the newest checkpoint in cfg.out (else cfg.out must hold no checkpoints). */
  resume?: boolean;
  /** Stop after this step even if the schedule goes further (tests interrupt runs with it). */
  stopAt?: number;
  /** No progress bar. */
  quiet?: boolean;
}

export interface TrainResult {
  /** The trained model (the Polyak average when averaging is on), with the last stage's RoPE θ. */
  model: Llama;
  /** Steps completed. */
  step: number;
  /** Training loss of each step this call ran. */
  losses: number[];
  /** Last validation loss of the trained model (of the average when averaging is on). */
  valLoss: number | null;
  /** Unigram baseline of the same validation targets (nats/token). */
  unigramEntropy: number;
  average: { valLossLast: number; valLossAverage: number; checkpoints: number[] } | null;
}

export function train(cfg: TrainConfig, data: TrainData, opts: TrainOptions = {}): TrainResult {
  const sched = lrScheduleOf(cfg);
  const base = initLlama(modelConfigOf(cfg, data.vocabSize), cfg.seed);
  const params = base.params;
  const opt = new AdamW(params, cfg.optim);
  const log = new MetricsLog(cfg.out);
  let step = 0;
  let tokens = 0;
  if (opts.resume) {
    const last = listCheckpoints(cfg.out).at(-1);
    if (!last) throw new ConfigError('--resume', `${cfg.out}/checkpoints`, 'a checkpoint to resume from', 'none');
    const ck = loadCheckpoint(last.path);
    const diff = firstDifference(ck.meta.config, cfg, '');
    if (diff) throw new ConfigError('--resume', `config${diff.path}`, `${JSON.stringify(diff.saved)} as in ${last.path} (a resumed run must be the same run)`, JSON.stringify(diff.now));
    if (ck.meta.floats !== params.data.length) throw new FileFormatError(last.path, 'floats', `${params.data.length} (this model's parameter buffer)`, String(ck.meta.floats));
    params.data.set(ck.params);
    opt.m.set(ck.m);
    opt.v.set(ck.v);
    opt.step = step = ck.meta.step;
    tokens = ck.meta.tokens;
    data.restore(ck.meta.data);
  } else if (listCheckpoints(cfg.out).length > 0) {
    throw new ConfigError('train', 'out', `a folder without checkpoints (or pass --resume to continue ${cfg.out})`, `${cfg.out} with checkpoints`);
  }
  log.truncateAfter(step);

  // A view of the model per stage: same parameters, the stage's RoPE θ (Llama 3 §3.4.2 raises θ for long context).
  const views = new Map<number, Llama>();
  const modelAt = (s: BatchShape): Llama => {
    let m = views.get(s.stage);
    if (!m) views.set(s.stage, (m = s.ropeTheta === null ? base : new Llama({ ...base.config, ropeTheta: s.ropeTheta }, params)));
    return m;
  };
  const valSets = new Map<string, Batch[]>();
  const validation = (s: BatchShape): Batch[] => {
    const key = `${s.microBatch}x${s.seqLen}`;
    if (!valSets.has(key)) valSets.set(key, data.validation(s.microBatch, s.seqLen, cfg.eval.sequences));
    return valSets.get(key)!;
  };
  const layout = (b: Batch): { positions?: Int32Array; segIds?: Int32Array } => (cfg.documentMasking ? { positions: b.positions, segIds: b.segIds } : {});

  const end = Math.min(cfg.schedule.steps, opts.stopAt ?? Infinity);
  const bar = new Progress('train', end - step, { unit: 'step', quiet: opts.quiet });
  const startStep = step;
  const losses: number[] = [];
  let valLoss: number | null = null;
  while (step < end) {
    const shape = batchAt(step, cfg.stages);
    const model = modelAt(shape);
    const lr = lrAt(step, sched);
    const t0 = performance.now();
    // Gradient accumulation: each micro-batch's summed token loss is divided by the step's total target count,
    // so the accumulated gradient is the gradient of the mean loss over the whole batch.
    const micro = Array.from({ length: shape.accumulation }, () => data.next(shape.microBatch, shape.seqLen, isAnnealing(step, sched)));
    const nTargets = micro.reduce((n, b) => n + countTargets(b.targets), 0);
    const forwardBackward = (): number => {
      let sum = 0;
      for (const b of micro) {
        sum += T.tidy(() => {
          const l = T.scale(T.sum(model.tokenLosses(b.tokens, b.targets, b.B, b.T, layout(b))), 1 / nTargets);
          T.backward(l);
          return l.item();
        });
      }
      return sum;
    };
    const { loss, gradNorm } = optimizerStep(params, opt, lr, cfg.optim.gradClip, forwardBackward, (f) => nonFinite(cfg, step + 1, f));
    step++;
    tokens += shape.batchSize * shape.seqLen;
    const tokPerSec = (shape.batchSize * shape.seqLen) / ((performance.now() - t0) / 1000);
    losses.push(loss);
    if (step % cfg.logEvery === 0 || step === end) {
      log.append({ kind: 'train', step, tokens, loss, lr, gradNorm, seqLen: shape.seqLen, batchSize: shape.batchSize, tokPerSec });
    }
    let stepVal: number | null = null;
    if (step % cfg.eval.every === 0 || step === cfg.schedule.steps) {
      valLoss = stepVal = evaluate(model, validation(shape), layout);
      log.append({ kind: 'eval', step, tokens, valLoss, valPpl: Math.exp(valLoss) });
    }
    if (step % cfg.checkpoint.every === 0 || step === cfg.schedule.steps) {
      saveCheckpoint(checkpointPath(cfg.out, step), {
        meta: { step, tokens, floats: params.data.length, config: cfg, model: model.config, data: data.cursor(), valLoss: stepVal },
        params: params.data, m: opt.m, v: opt.v,
      });
      pruneCheckpoints(cfg.out, cfg.checkpoint.keep);
      log.writePlots();
    }
    bar.update(step - startStep, `step ${step}/${cfg.schedule.steps} loss ${loss.toFixed(4)}${valLoss === null ? '' : ` val ${valLoss.toFixed(4)}`} ${fmtCount(tokPerSec)} tok/s lr ${lr.toExponential(2)}`);
  }
  bar.finish();

  const last = batchAt(Math.max(0, step - 1), cfg.stages);
  const finalModel = modelAt(last);
  const unigramEntropy = data.unigramEntropy(last.seqLen, cfg.eval.sequences);
  let average: TrainResult['average'] = null;
  if (step === cfg.schedule.steps && cfg.average.checkpoints > 1) {
    average = polyakAverage(cfg, finalModel, validation(last), layout);
    log.append({ kind: 'average', step, ...average });
    valLoss = average.valLossAverage;
  }
  log.writePlots();
  return { model: finalModel, step, losses, valLoss, unigramEntropy, average };
}

/**
 * Replaces the model's parameters by the uniform average of the last cfg.average.checkpoints checkpoints
 * (Llama 3 §3.4.3) and returns the validation loss before and after.
 */
function polyakAverage(cfg: TrainConfig, model: Llama, val: Batch[], layout: (b: Batch) => object): { valLossLast: number; valLossAverage: number; checkpoints: number[] } {
  const cks = listCheckpoints(cfg.out).slice(-cfg.average.checkpoints);
  const valLossLast = evaluate(model, val, layout);
  const avg = new ParamAverage(model.params.data.length);
  for (const c of cks) avg.add(loadCheckpoint(c.path, { moments: false }).params);
  model.params.data.set(avg.mean());
  return { valLossLast, valLossAverage: evaluate(model, val, layout), checkpoints: cks.map((c) => c.step) };
}

/** Mean token loss over the held-out batches (no gradients). */
export function evaluate(model: Llama, batches: readonly Batch[], layout: (b: Batch) => object = () => ({})): number {
  let nll = 0;
  let n = 0;
  for (const b of batches) {
    nll += T.tidy(() => T.noGrad(() => T.sum(model.tokenLosses(b.tokens, b.targets, b.B, b.T, layout(b))).item()));
    n += countTargets(b.targets);
  }
  return nll / n;
}

function countTargets(targets: Int32Array): number {
  let n = 0;
  for (let i = 0; i < targets.length; i++) if (targets[i] !== T.IGNORE_INDEX) n++;
  return n;
}

function nonFinite(cfg: TrainConfig, step: number, f: NonFinite): NonFiniteError {
  const what = !Number.isFinite(f.loss) ? `the loss is ${f.loss}` : `the gradient norm is ${f.gradNorm}`;
  const where = f.param ? ` (first non-finite gradient: ${f.param})` : '';
  const good = listCheckpoints(cfg.out).at(-1);
  const keep = good ? `the last good checkpoint is ${good.path} (step ${good.step})` : 'no checkpoint was written yet';
  return new NonFiniteError(`step ${step}: ${what}${where}; stopped before the optimizer update, ${keep}. Lower optim.lr or raise schedule.warmupSteps, then resume with --resume.`);
}

/** The first field where a saved config and the current one differ (".optim.lr", ".stages[1].seqLen"), or null. */
function firstDifference(saved: unknown, now: unknown, path: string): { path: string; saved: unknown; now: unknown } | null {
  if (saved === now) return null;
  if (typeof saved !== 'object' || typeof now !== 'object' || saved === null || now === null || Array.isArray(saved) !== Array.isArray(now)) return { path, saved, now };
  for (const k of new Set([...Object.keys(saved), ...Object.keys(now)])) {
    const d = firstDifference((saved as Record<string, unknown>)[k], (now as Record<string, unknown>)[k], Array.isArray(saved) ? `${path}[${k}]` : `${path}.${k}`);
    if (d) return d;
  }
  return null;
}
