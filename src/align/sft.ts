// Supervised fine-tuning (Llama 2 §3.1; Llama 3 §4.1.3; docs/llama-recipe.md §6): next-token cross-entropy on
// the answer tokens only, examples packed into rows with document masking.
//
// Normalisation: the loss of a step is (sum of the answer-token losses of all its rows) / (number of answer
// tokens in the step), so every answer token weighs the same whatever example it sits in (the mean over
// targets of a packed batch, as HF/TRL compute it with packing). A per-example mean would instead up-weight
// the tokens of short answers.
import { z } from 'zod';
import * as T from '../tensor/index.js';
import type { Tensor } from '../tensor/index.js';
import type { Llama } from '../model/llama.js';
import { runSteps, warmupStepsFor, type StepLoopResult } from '../train/step-loop.js';
import { Rng } from '../util/rng.js';
import { packSequences, type PackedBatch } from './collate.js';
import { countTargets, type LossSequence } from './data/sequence.js';
import { optimSchema, parseStageConfig } from './stage-config.js';
import type { StageIO } from './stage-io.js';

/** Sum of the answer-token cross-entropies of a packed batch, divided by `norm` (the step's answer tokens). */
export function sftLoss(model: Llama, b: PackedBatch, norm: number): Tensor {
  return sftLossFromLogits(model.logits(model.hidden(b.tokens, b.B, b.T, { positions: b.positions, segIds: b.segIds })), b.targets, norm);
}

/** The same from logits [B, T, V]: Σ over targets ≠ IGNORE_INDEX of −log softmax(logits)[target], divided by `norm`. */
export function sftLossFromLogits(logits: Tensor, targets: Int32Array, norm: number): Tensor {
  return T.scale(T.sum(T.crossEntropy(logits, targets)), 1 / norm);
}

/** Rows of a batch [r0, r1) as a batch of their own (micro-batches for gradient accumulation). */
export function sliceRows(b: PackedBatch, r0: number, r1: number): PackedBatch {
  const s = (a: Int32Array) => a.subarray(r0 * b.T, r1 * b.T);
  return { B: r1 - r0, T: b.T, tokens: s(b.tokens), targets: s(b.targets), segIds: s(b.segIds), positions: s(b.positions) };
}

export const SftStageSchema = z.strictObject({
  /** Passes over the demonstrations (Llama 2 §3.1: 2 epochs). */
  epochs: z.number().int().min(1).default(2),
  /**
   * Row length T; 0 = the model's context (Llama 2 §3.1 packs rows of 4096 = its context). Examples longer than a
   * row are dropped (and counted), never cut.
   */
  seqLen: z.number().int().min(0).default(0),
  /**
   * Rows per optimizer step. Llama 2 §3.1 uses 64 rows of 4096 tokens, i.e. ~100 steps over 27,540 examples × 2
   * epochs; 8 rows of 256 tokens give a world SFT set of 2,000 examples about the same number of steps.
   */
  rowsPerStep: z.number().int().min(1).default(8),
  /** Rows per forward/backward (gradient accumulation); default all rows of a step at once. */
  microRows: z.number().int().min(1).optional(),
  /**
   * AdamW (β 0.9/0.95, eps 1e-5 as Llama 2 §2.2; weight decay 0.1 as §3.1). Llama 2 §3.1: lr 2e-5 at 7B–70B with
   * cosine decay; the 1.26M-parameter tiny preset needs ~150× more. Sweep (README "Alignment: SFT and reward
   * models": 8,000 world chats × 3 epochs, 567 steps): held-out helpfulness 0.33 / 0.49 / 0.51 / 0.37 at lr
   * 3e-4 / 1e-3 / 3e-3 / 1e-2 (answer loss 0.81 / 0.67 / 0.64 / 0.84), hence 3e-3.
   */
  optim: optimSchema({ lr: 3e-3 }),
  /** Cosine floor as a share of the peak (Llama 2 §3.1 does not state it; the pretraining floor, §2.2). */
  minLrRatio: z.number().min(0).max(1).default(0.1),
  /** Linear warmup: a share of the steps, at least minWarmupSteps (unstated for SFT; the RM rule of Llama 2 §3.2.2). */
  warmupFraction: z.number().min(0).max(1).default(0.03),
  minWarmupSteps: z.number().int().min(0).default(5),
  /** Held-out answer loss every N steps (and at the end). */
  evalEvery: z.number().int().min(1).default(25),
  /** Shuffles the examples each epoch. */
  seed: z.number().int().min(0).default(1),
});
export type SftStageConfig = z.infer<typeof SftStageSchema>;
export const parseSftStage = (json: unknown, source = 'sft config'): SftStageConfig => parseStageConfig(SftStageSchema, json, source);

export interface SftResult extends StepLoopResult {
  steps: number;
  examples: number;
  /** Examples longer than a row (not trained on). */
  dropped: number;
  /** Answer tokens seen per epoch. */
  targetTokens: number;
  /** Held-out answer loss before the first update. */
  valLossBefore: number;
}

/**
 * Packs each epoch's shuffled examples into steps of `rowsPerStep` rows (epochs never share a step) — the
 * number of optimizer steps is therefore known before training and the cosine schedule ends exactly at the end.
 */
export function sftSteps(train: readonly LossSequence[], o: { epochs: number; seqLen: number; rowsPerStep: number; seed: number }): PackedBatch[] {
  const rng = new Rng(o.seed);
  const steps: PackedBatch[] = [];
  for (let e = 0; e < o.epochs; e++) steps.push(...packSequences(rng.shuffle(train.slice()), o.seqLen, o.rowsPerStep));
  return steps;
}

/** Mean answer-token loss over held-out sequences (no gradients). */
export function heldOutLoss(model: Llama, batches: readonly PackedBatch[]): number {
  let nll = 0;
  let n = 0;
  for (const b of batches) {
    nll += T.tidy(() => T.noGrad(() => sftLoss(model, b, 1).item()));
    n += countTargets(b.targets);
  }
  return n > 0 ? nll / n : NaN;
}

/** Fine-tunes `model` in place on `train`; `val` gives the held-out answer loss. Metrics go to io.out. */
export function sftStage(cfg: SftStageConfig, model: Llama, train: readonly LossSequence[], val: readonly LossSequence[], io: StageIO): SftResult {
  const seqLen = cfg.seqLen === 0 ? model.config.maxSeqLen : Math.min(cfg.seqLen, model.config.maxSeqLen);
  const microRows = cfg.microRows ?? cfg.rowsPerStep;
  const fits = (s: LossSequence) => s.tokens.length <= seqLen;
  const kept = train.filter(fits);
  const steps = sftSteps(kept, { epochs: cfg.epochs, seqLen, rowsPerStep: cfg.rowsPerStep, seed: cfg.seed });
  const valBatches = packSequences(val.filter(fits), seqLen, microRows);
  const valLossBefore = valBatches.length > 0 ? heldOutLoss(model, valBatches) : NaN;
  const result = runSteps(model.params, {
    schedule: { lr: cfg.optim.lr, minLrRatio: cfg.minLrRatio, steps: steps.length, warmupSteps: warmupStepsFor(steps.length, cfg.warmupFraction, cfg.minWarmupSteps), annealSteps: 0 },
    optim: cfg.optim,
    evalEvery: cfg.evalEvery,
    logEvery: 1,
  }, {
    step(i) {
      const b = steps[i]!;
      const norm = countTargets(b.targets);
      let loss = 0;
      for (let r = 0; r < b.B; r += microRows) {
        const micro = sliceRows(b, r, Math.min(b.B, r + microRows));
        loss += T.tidy(() => {
          const l = sftLoss(model, micro, norm);
          T.backward(l);
          return l.item();
        });
      }
      return { loss, tokens: b.B * b.T, seqLen: b.T, batchSize: b.B };
    },
    evaluate: valBatches.length > 0 ? () => heldOutLoss(model, valBatches) : undefined,
  }, { out: io.out, label: 'sft', quiet: io.quiet });
  const targetTokens = kept.reduce((n, s) => n + countTargets(s.targets), 0);
  return { ...result, steps: steps.length, examples: kept.length, dropped: train.length - kept.length, targetTokens, valLossBefore };
}

/**
 * The Llama 3 chat template as Meta ships it (meta-llama/Meta-Llama-3-8B-Instruct tokenizer_config.json), stored
 * in exported models so that llama.cpp and HF render prompts the way the model was fine-tuned.
 */
export const LLAMA3_JINJA =
  "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";
