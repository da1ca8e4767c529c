// The one typed configuration of a pretraining run (nanoGPT train.py's defaults block, as a schema). A JSON
// file only changes defaults; an unknown key, a wrong type or an inconsistent combination is a ConfigError that
// names the field. Every default cites its source (docs/llama-recipe.md §4) or says why it is scaled down.
import { z } from 'zod';
import { PRESETS, presetNames } from '../model/presets.js';
import type { ModelConfig } from '../model/config.js';
import { validateModelConfig } from '../model/config.js';
import { parseDataConfig } from '../data/config.js';
import { existsSync } from 'node:fs';
import { ConfigError, FileFormatError } from '../util/errors.js';
import { readJsonFile } from '../util/fs.js';

const int = (min: number) => z.number().int().min(min);
const positive = z.number().positive();
/** Weight per domain (normalised by src/data). */
const weights = z.record(z.string(), z.number().nonnegative());

/** One row of the schedule of shapes: batch-size ramp and staged context lengthening share it. */
const Stage = z.strictObject({
  /** First optimizer step (0-based) of this stage; the first stage starts at 0. */
  fromStep: int(0),
  /** Sequence length T (Llama 3 §3.4.2: 8K, then longer in stages). */
  seqLen: int(2),
  /** Sequences per optimizer step (Llama 3 §3.4.1 ramps 4M → 8M → 16M tokens). */
  batchSize: int(1),
  /** Sequences per forward/backward; batchSize / microBatch micro-batches are accumulated. Default batchSize. */
  microBatch: int(1).optional(),
  /** RoPE base for this stage (Llama 3 raises θ to 500 000 for long context); default the model's. */
  ropeTheta: z.number().gt(1).optional(),
});

const Data = z.discriminatedUnion('kind', [
  z.strictObject({
    /** Documents through src/data (sources, mixer, packer), tokenized by a BPE tokenizer trained on the training split. */
    kind: z.literal('corpus'),
    /** src/data source specs (checked by src/data's parser): English prose and worked math by default. */
    sources: z.array(z.record(z.string(), z.unknown())).min(1).default([{ kind: 'moby-dick' }, { kind: 'sotu' }, { kind: 'math', count: 400, seed: 1 }]),
    /** Token share per domain (Llama 3 §3.1.2; absent domains are dropped and the rest renormalised by src/data). */
    mix: weights.default({ general: 0.8, reasoning: 0.2 }),
    /** Up-sampling factors of the annealing mix (Llama 3 §3.4.3 up-samples high-quality data; src/data's default). */
    annealing: weights.default({ reasoning: 2, code: 1.5 }),
    tokenizer: z
      .strictObject({
        /** 'bpe' = Llama 3 byte-level BPE (§3.2), 'spm' = Llama 2 SentencePiece shape (§2.2). */
        kind: z.enum(['bpe', 'spm']).default('bpe'),
        /** 4096 entries (incl. the specials): a vocabulary a 2-core laptop can afford to train over. */
        vocabSize: int(300).default(4096),
      })
      .prefault({}),
    /** Fraction of documents held out for validation (chosen by a hash of the document id). */
    valFraction: z.number().gt(0).lt(1).default(0.02),
  }),
  z.strictObject({
    /** A seeded toy language (a sparse Markov chain, one document per row): tests and benchmarks without a corpus. */
    kind: z.literal('synthetic'),
    vocabSize: int(8).default(256),
    /** Successors per token: the chain's entropy is at most log(branching) nats/token. */
    branching: int(1).default(4),
  }),
]);

export const TrainConfigSchema = z.strictObject({
  /** Run folder: checkpoints/, metrics.jsonl, plots, the tokenizer and the exported model. */
  out: z.string().min(1),
  /** One seed reproduces the run: model init, data order, synthetic data. */
  seed: z.number().int().default(1337),
  model: z
    .strictObject({
      preset: z.string().default('tiny'),
      /** Any ModelConfig field; vocabSize comes from the tokenizer and maxSeqLen from the longest stage. */
      overrides: z.record(z.string(), z.unknown()).default({}),
    })
    .prefault({}),
  data: Data.prefault({ kind: 'corpus' }),
  optim: z
    .strictObject({
      /**
       * Peak learning rate. Llama 2 uses 3e-4 at 7B (Table 1 / §2.2); small models tolerate and need more
       * (nanoGPT's shakespeare-char 10M-param model: 1e-3; llama2.c's 15M TinyStories: 5e-4 at batch 128K tokens).
       * 2e-3 suits the laptop presets at ~2K-token batches.
       */
      lr: positive.default(2e-3),
      /** Cosine decays to 10% of the peak (Llama 2 §2.2; Llama 3 §3.4.1: 8e-5 → 8e-7 is 1%). */
      minLrRatio: z.number().min(0).max(1).default(0.1),
      /** AdamW β1, β2 = 0.9, 0.95 and eps 1e-5 (Llama 2 §2.2). */
      beta1: z.number().min(0).lt(1).default(0.9),
      beta2: z.number().min(0).lt(1).default(0.95),
      eps: positive.default(1e-5),
      /** Decoupled weight decay 0.1 (Llama 2 §2.2), on rank ≥ 2 tensors only (see adamw.ts). */
      weightDecay: z.number().min(0).default(0.1),
      /** Global gradient-norm clipping at 1.0 (Llama 2 §2.2); 0 turns it off. */
      gradClip: z.number().min(0).default(1.0),
    })
    .prefault({}),
  schedule: z
    .strictObject({
      /** Optimizer steps in the whole run (annealing included). */
      steps: int(1).default(1000),
      /**
       * Linear warmup. Llama 2 warms up for 2000 of ~500K steps (0.4%); a 1000-step laptop run uses 5% (nanoGPT's
       * small configs: 100 of 5000 steps), enough for AdamW's second-moment estimates to settle.
       */
      warmupSteps: int(0).default(50),
      /**
       * Final annealing phase (Llama 3 §3.4.3): LR linearly to 0 on the annealing data mix. Llama 3 anneals over
       * its last 40M of 15.6T tokens; a laptop run anneals over its last 10% of steps so that the averaged
       * checkpoints see enough of the high-quality mix.
       */
      annealSteps: int(0).default(100),
    })
    .prefault({}),
  /** Shapes over training; one stage means a constant batch and context. */
  stages: z.array(Stage).min(1).default([{ fromStep: 0, seqLen: 128, batchSize: 16 }]),
  /** Document masking (Llama 3 §3.2): no attention across documents packed into one sequence, positions reset. */
  documentMasking: z.boolean().default(true),
  eval: z
    .strictObject({
      /** Validation loss every N steps (and at the end). */
      every: int(1).default(100),
      /** Held-out sequences per evaluation (fixed: the first ones of the validation stream). */
      sequences: int(1).default(32),
    })
    .prefault({}),
  checkpoint: z
    .strictObject({
      /** Checkpoint every N steps (and at the end). */
      every: int(1).default(100),
      /** Checkpoints kept on disk (at least the averaging window). */
      keep: int(1).default(3),
    })
    .prefault({}),
  /**
   * Polyak averaging (Llama 3 §3.4.3: the release is the average of the annealing checkpoints): the final model is
   * the uniform average of the last `checkpoints` checkpoints. 1 turns averaging off.
   */
  average: z.strictObject({ checkpoints: int(1).default(1) }).prefault({}),
  /** After training: GGUF and/or Hugging Face folder of the final model, with its tokenizer. */
  export: z.strictObject({ gguf: z.boolean().default(true), hf: z.boolean().default(true) }).prefault({}),
  /** A sample printed after training (a human check that the model writes English); 0 tokens = none. */
  sample: z
    .strictObject({
      prompt: z.string().default('The'),
      tokens: int(0).default(64),
      /** Meta's sampling defaults: temperature 0.6, top-p 0.9 (recipe §3); temperature 0 is greedy. */
      temperature: z.number().min(0).default(0.6),
      topP: z.number().gt(0).max(1).default(0.9),
      seed: z.number().int().min(0).default(0),
    })
    .prefault({}),
  /** Log a metrics row and refresh the progress bar every N steps. */
  logEvery: int(1).default(1),
  /**
   * Precision of the matrix products. 'bf16' is mixed precision as Llama trained (Llama 3 §3.3.2: bf16 compute,
   * fp32 where it matters): bf16 operands, float32 sums, float32 weights, optimizer state and everything else; on
   * CPUs with AMX it makes a step ~2× faster; elsewhere it falls back to 'f32'. 'f32' is bit-reproducible across
   * machines with the same instruction set.
   */
  matmulPrecision: z.enum(['f32', 'bf16']).default('f32'),
});

export type TrainConfig = z.infer<typeof TrainConfigSchema>;
export type StageConfig = z.infer<typeof Stage>;
export type DataConfig = TrainConfig['data'];

/** Parses and checks a JSON value; `source` (usually the file path) prefixes every error. */
export function parseTrainConfig(json: unknown, source: string): TrainConfig {
  const r = TrainConfigSchema.safeParse(json, { reportInput: true });
  if (!r.success) throw configErrorOf(r.error, source);
  const c = r.data;
  checkStages(c, source);
  const s = c.schedule;
  if (s.warmupSteps + s.annealSteps > s.steps) {
    throw new ConfigError(source, 'schedule.warmupSteps + schedule.annealSteps', `≤ schedule.steps (${s.steps})`, `${s.warmupSteps} + ${s.annealSteps}`);
  }
  if (c.checkpoint.keep < c.average.checkpoints) {
    throw new ConfigError(source, 'checkpoint.keep', `≥ average.checkpoints (${c.average.checkpoints}), or the averaged checkpoints are deleted`, String(c.checkpoint.keep));
  }
  if (!PRESETS[c.model.preset]) throw new ConfigError(source, 'model.preset', `one of ${presetNames().join(', ')}`, JSON.stringify(c.model.preset));
  if (c.data.kind === 'corpus') {
    const { sources, mix, annealing } = c.data;
    try {
      parseDataConfig(source, { sources, mix, annealing });
    } catch (e) {
      if (e instanceof ConfigError) throw new ConfigError(source, `data.${e.field}`, e.expected, e.got);
      throw e;
    }
  }
  modelConfigOf(c, 256, source); // checks the overrides now rather than after the tokenizer is trained
  return c;
}

/** Reads and checks a config file (`llamats train --config FILE.json`). */
export function readTrainConfig(path: string): TrainConfig {
  if (!existsSync(path)) throw new FileFormatError(path, 'file', 'a JSON training config', 'no such file');
  return parseTrainConfig(readJsonFile(path), path);
}

function checkStages(c: TrainConfig, source: string): void {
  c.stages.forEach((st, i) => {
    const f = `stages[${i}]`;
    if (i === 0 && st.fromStep !== 0) throw new ConfigError(source, `${f}.fromStep`, '0 (the first stage starts the run)', String(st.fromStep));
    if (i > 0 && st.fromStep <= c.stages[i - 1]!.fromStep) throw new ConfigError(source, `${f}.fromStep`, `> stages[${i - 1}].fromStep (${c.stages[i - 1]!.fromStep})`, String(st.fromStep));
    if (st.fromStep >= c.schedule.steps) throw new ConfigError(source, `${f}.fromStep`, `< schedule.steps (${c.schedule.steps})`, String(st.fromStep));
    const mb = st.microBatch ?? st.batchSize;
    if (st.batchSize % mb !== 0) throw new ConfigError(source, `${f}.microBatch`, `a divisor of batchSize (${st.batchSize})`, String(mb));
  });
}

/** The model this run trains: the preset, the overrides, the tokenizer's vocabulary and the longest stage. */
export function modelConfigOf(c: TrainConfig, vocabSize: number, source = 'train config'): ModelConfig {
  const preset = PRESETS[c.model.preset]!();
  for (const key of Object.keys(c.model.overrides)) {
    if (!(key in preset)) throw new ConfigError(source, `model.overrides.${key}`, `a model config field (${Object.keys(preset).join(', ')})`, JSON.stringify(key));
  }
  const maxSeqLen = Math.max(...c.stages.map((s) => s.seqLen));
  const m = { ...preset, ...(c.model.overrides as Partial<ModelConfig>), vocabSize, maxSeqLen } as ModelConfig;
  try {
    return validateModelConfig(m, `${source}: model`);
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(source, `model (${e.field})`, e.expected, e.got);
    throw e;
  }
}

function configErrorOf(err: z.ZodError, source: string): ConfigError {
  const issue = err.issues[0]!;
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys;
    const field = path ? `${path}.${keys[0]}` : keys[0]!;
    return new ConfigError(source, field, 'no such key (unknown keys are errors, to catch typos)', JSON.stringify(keys));
  }
  // zod says "Invalid input: expected number, received string"; we say "expected number, got \"x\"".
  const expected = issue.message
    .replace(/^(Invalid input|Too small|Too big): /, '')
    .replace(/^Invalid discriminator value\. Expected /, 'one of ')
    .replace(/^expected /, '')
    .replace(/, received \w+$/, '');
  const got = 'input' in issue ? JSON.stringify(issue.input) : undefined;
  return new ConfigError(source, path || '(root)', expected, got === undefined ? 'nothing (the field is required)' : got.slice(0, 80));
}
