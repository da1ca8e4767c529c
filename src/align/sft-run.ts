// `llamats sft --config FILE.json`: the SFT job. Loads the base checkpoint (GGUF or HF folder, with its
// tokenizer), builds the demonstrations the config lists (data/sources.ts), holds out world prompts for the
// answer loss, runs sftStage, and writes OUT/model.gguf (with the chat template), metrics.jsonl, loss plots and
// summary.json.
import { z } from 'zod';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { loadInferenceModel, loadTrainableModel, saveTrainedModel } from '../model/load.js';
import { ConfigError, FileFormatError } from '../util/errors.js';
import { writeFileAtomic } from '../util/fs.js';
import { log } from '../util/progress.js';
import { generateAnswers, GREEDY } from '../eval/world-eval.js';
import { promptIds } from './chat-rows.js';
import { alpacaSequence } from './data/alpaca.js';
import { chatSequence } from './data/sequence.js';
import { buildSource, DataSourceSchema, type SourceReport } from './data/sources.js';
import { LLAMA3_JINJA, SftStageSchema, sftStage, type SftResult } from './sft.js';
import { parseStageConfig, readStageConfig } from './stage-config.js';
import { alpacaExample, createWorld, sftExample, type WorldConfig } from './world/index.js';

export const TEMPLATES = ['llama2', 'llama3', 'llama3.1'] as const;

export const SftRunSchema = z.strictObject({
  /** Run folder: model.gguf, metrics.jsonl, plots, summary.json. */
  out: z.string().min(1),
  /** The pretrained (or earlier fine-tuned) model: a GGUF file or a Hugging Face folder with its tokenizer. */
  base: z.string().min(1),
  /** The world the data comes from (createWorld's config: seed, size, …). */
  world: z.record(z.string(), z.unknown()).default({}),
  /** Chat template (recipe §3); Llama 3's by default, the format of a byte-level BPE tokenizer's chat models. */
  template: z.enum(TEMPLATES).default('llama3'),
  data: z.strictObject({
    train: z.array(DataSourceSchema).min(1).default([{ style: 'chat', prompts: 2000, systemRate: 0.1 }]),
    /** Held-out world prompts answered with the gold: the validation answer loss. */
    heldout: z.number().int().min(0).default(200),
  }).prefault({}),
  stage: SftStageSchema.prefault({}),
});
export type SftRunConfig = z.infer<typeof SftRunSchema>;

export const parseSftRun = (json: unknown, source = 'sft config'): SftRunConfig => parseStageConfig(SftRunSchema, json, source);
export const readSftRun = (path: string): SftRunConfig => readStageConfig(path, parseSftRun);

export interface SftSummary {
  out: string;
  model: string;
  base: string;
  sources: SourceReport[];
  examples: number;
  dropped: number;
  steps: number;
  /** Answer tokens per epoch. */
  targetTokens: number;
  trainLossFirst: number;
  trainLossLast: number;
  valLossBefore: number;
  valLossAfter: number | null;
  seconds: number;
}

export function runSft(cfg: SftRunConfig, opts: { quiet?: boolean } = {}): { summary: SftSummary; result: SftResult } {
  const t0 = performance.now();
  const world = createWorld(cfg.world as Partial<WorldConfig>);
  const { model, tokenizer } = loadTrainableModel(cfg.base);
  if (!tokenizer) throw new FileFormatError(cfg.base, 'tokenizer', 'a tokenizer stored with the model (GGUF keys or tokenizer.json)', 'none');
  const maxTokens = cfg.stage.seqLen === 0 ? model.config.maxSeqLen : Math.min(cfg.stage.seqLen, model.config.maxSeqLen);
  const models = new Map<string, ReturnType<typeof loadInferenceModel>>();
  const loadModel = (path: string) => {
    if (!models.has(path)) models.set(path, loadInferenceModel(path));
    const m = models.get(path)!;
    if (!m.tokenizer) throw new FileFormatError(path, 'tokenizer', 'a tokenizer stored with the model', 'none');
    return { decoder: m.decoder, tokenizer: m.tokenizer };
  };
  const sources = cfg.data.train.map((src, i) => buildSource(src, i, {
    world, tok: tokenizer, template: cfg.template, maxTokens, loadModel,
    teacherFor: (path) => (items) => {
      const m = loadModel(path);
      return generateAnswers({ name: path, ...m, format: 'chat', template: cfg.template }, items.map((it) => promptIds(m.tokenizer, it.messages, cfg.template)), { ...GREEDY, maxTokens: 128 });
    },
  }));
  const train = sources.flatMap((s) => s.sequences);
  if (train.length === 0) throw new ConfigError('sft config', 'data.train', 'sources that yield at least one example', 'none');
  for (const s of sources) log(`sft: ${s.report.style}: ${s.report.examples} examples`);
  // Held-out answers in the format the model is trained in (Alpaca when every source is Alpaca-style).
  const alpacaOnly = cfg.data.train.every((s) => s.style === 'alpaca' || s.style === 'self-instruct' || (s.style === 'file' && s.format === 'alpaca'));
  const heldout = cfg.data.heldout > 0 ? world.sample('heldout', cfg.data.heldout, { stream: 'sft-heldout', systemRate: 0.1 }) : [];
  const val = heldout.map((p) => (alpacaOnly ? alpacaSequence(tokenizer, alpacaExample(p)) : chatSequence(tokenizer, sftExample(p).messages, cfg.template)));
  mkdirSync(cfg.out, { recursive: true });
  const result = sftStage(cfg.stage, model, train, val, { out: cfg.out, quiet: opts.quiet });
  const modelPath = join(cfg.out, 'model.gguf');
  saveTrainedModel(modelPath, model, tokenizer, { name: 'llamats sft', ...(cfg.template === 'llama3' && !alpacaOnly ? { chatTemplate: LLAMA3_JINJA } : {}) });
  const summary: SftSummary = {
    out: cfg.out, model: modelPath, base: cfg.base,
    sources: sources.map((s) => s.report),
    examples: result.examples, dropped: result.dropped, steps: result.steps, targetTokens: result.targetTokens,
    trainLossFirst: result.losses[0] ?? NaN, trainLossLast: result.losses.at(-1) ?? NaN,
    valLossBefore: result.valLossBefore, valLossAfter: result.evals.at(-1)?.[1] ?? null,
    seconds: (performance.now() - t0) / 1000,
  };
  writeFileAtomic(join(cfg.out, 'summary.json'), `${JSON.stringify({ ...summary, config: cfg }, null, 2)}\n`);
  return { summary, result };
}
