// `llamats train`: data → train loop → sample → export, with a summary.json in the run folder. The
// summary puts the validation loss next to the unigram baseline of the same held-out tokens: the loss a model
// with no context would reach.
import { join } from 'node:path';
import { resetMatmulPrecision, setMatmulPrecision } from '../tensor/backend.js';
import { writeFileAtomic } from '../util/fs.js';
import { log } from '../util/progress.js';
import type { TrainConfig } from './config.js';
import { train, type TrainOptions } from './loop.js';
import { openData } from './open-data.js';
import { exportModel } from './export.js';
import { sampleText } from './sample.js';

export interface PretrainSummary {
  out: string;
  step: number;
  /** Validation loss (nats/token) of the final model — the Polyak average when averaging is on. */
  valLoss: number | null;
  valPerplexity: number | null;
  /** Cross-entropy of the same validation targets under the training unigram distribution. */
  unigramEntropy: number;
  average: { valLossLast: number; valLossAverage: number; checkpoints: number[] } | null;
  sample: string | null;
  /** Files written by the export (model.gguf, hf/). */
  exported: string[];
  seconds: number;
}

export function pretrain(cfg: TrainConfig, opts: TrainOptions = {}): PretrainSummary {
  const t0 = performance.now();
  const data = openData(cfg, opts.resume ?? false);
  if (cfg.matmulPrecision === 'bf16' && setMatmulPrecision('bf16') !== 'bf16') log('train: matmulPrecision bf16 needs AMX (this CPU or backend has none): float32 products');
  let r: ReturnType<typeof train>;
  try {
    r = train(cfg, data, opts);
  } finally {
    if (cfg.matmulPrecision === 'bf16') resetMatmulPrecision();
  }
  const done = r.step === cfg.schedule.steps;
  const sample = done && data.tokenizer && cfg.sample.tokens > 0 ? sampleText(r.model, data.tokenizer, cfg.sample) : null;
  const exported = done ? exportModel(r.model, data.tokenizer, cfg.out, cfg.export) : [];
  const summary: PretrainSummary = {
    out: cfg.out,
    step: r.step,
    valLoss: r.valLoss,
    valPerplexity: r.valLoss === null ? null : Math.exp(r.valLoss),
    unigramEntropy: r.unigramEntropy,
    average: r.average,
    sample,
    exported,
    seconds: (performance.now() - t0) / 1000,
  };
  writeFileAtomic(join(cfg.out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}
