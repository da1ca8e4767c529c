// The stages of the recipe, each a thin function over the components that do the work (torchtune style): it
// reads its inputs from files of earlier stages, writes its outputs into its own folder and returns a small JSON
// summary for the report. Order (docs/design.md): world → data → pretrain → … → export.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { createWorld, type World } from '../align/world/index.js';
import { DATA_DEFAULTS, parseDataConfig, type DataConfig } from '../data/config.js';
import { loadSources } from '../data/sources.js';
import { runPipeline, type DataReport } from '../data/pipeline.js';
import { renderHtml } from '../data/render-report.js';
import { parseTrainConfig, type TrainConfig } from '../train/config.js';
import { listCheckpoints } from '../train/checkpoint.js';
import { pretrain, type PretrainSummary } from '../train/pretrain.js';
import { writeFileAtomic, writeJsonl } from '../util/fs.js';
import { log } from '../util/progress.js';
import { merge, type RecipeConfig } from './config.js';

// ---- world ------------------------------------------------------------------------------------------------

export function worldOf(cfg: RecipeConfig): World {
  return createWorld({ seed: cfg.seed, size: cfg.world.size });
}

export interface WorldResult {
  corpusFile: string;
  corpusDocs: number;
  entities: number;
}

/** The world's knowledge base as prose: knowledge comes from pretraining, format from SFT (issue 9). */
export function worldStage(cfg: RecipeConfig, dir: string): WorldResult {
  const world = worldOf(cfg);
  const docs = world.corpus(cfg.world.corpusDocs);
  const corpusFile = join(dir, 'corpus', 'world.jsonl');
  mkdirSync(join(dir, 'corpus'), { recursive: true });
  writeJsonl(corpusFile, docs.map((text, i) => ({ id: `world/${i}`, domain: 'knowledge', text })));
  return { corpusFile, corpusDocs: docs.length, entities: world.kb.entities.length };
}

// ---- data -------------------------------------------------------------------------------------------------

export interface DataResult {
  docsFolder: string;
  docs: number;
  tokens: number;
  report: Pick<DataReport, 'steps' | 'dedup' | 'quality' | 'output' | 'mix'>;
  reportHtml: string;
}

/** The data stage's resolved config: the pipeline defaults, the quick sizes, the recipe's overrides. */
export function dataConfig(cfg: RecipeConfig): DataConfig {
  return parseDataConfig('recipe config: data', merge(cfg.quick ? quickData() : {}, cfg.data));
}

/**
 * Llama 3 §3.1 data curation on the bundled web-like corpora (MinHash dedup, line dedup, heuristics, quality
 * classifier) with injected ground truth to measure it. The world's prose is a curated source (like the
 * factual sources Llama 2 up-sampled, §2.1) and joins after filtering: its templated sentences would otherwise
 * look like near-duplicates and facts would be lost.
 */
export function dataStage(dataCfg: DataConfig, dir: string): DataResult {
  const corpus = loadSources(dataCfg.sources);
  const { docs, report } = runPipeline(corpus, dataCfg, { onStep: (name, s) => log(`data: ${name} ${s.toFixed(1)} s`) });
  const folder = join(dir, 'docs');
  mkdirSync(folder, { recursive: true });
  writeJsonl(join(folder, 'filtered.jsonl'), docs.map((d) => ({ id: d.id, domain: d.domain, text: d.text })));
  const reportHtml = join(dir, 'report.html');
  writeFileAtomic(reportHtml, renderHtml(report, 'Pretraining data'));
  writeFileAtomic(join(dir, 'report.json'), JSON.stringify(report));
  return {
    docsFolder: folder,
    docs: report.output.docs,
    tokens: report.output.tokens,
    report: { steps: report.steps, dedup: report.dedup, quality: report.quality, output: report.output, mix: report.mix },
    reportHtml,
  };
}

function quickData(): Record<string, unknown> {
  const base = DATA_DEFAULTS.sources;
  return {
    sources: base.map((s) => (s.kind === 'spam-assassin' ? { ...s, limit: 150 } : s.kind === 'math' ? { ...s, count: 150 } : s)),
    inject: { nearDuplicates: 60, junk: 40 },
  };
}

// ---- pretraining ------------------------------------------------------------------------------------------

export function pretrainConfig(cfg: RecipeConfig, data: DataResult, world: WorldResult, dir: string): TrainConfig {
  const base = {
    out: dir,
    seed: cfg.seed,
    model: { preset: 'tiny' },
    data: {
      kind: 'corpus',
      sources: [{ kind: 'folder', path: data.docsFolder }, { kind: 'folder', path: join(world.corpusFile, '..') }],
      // Llama 3 §3.1.2 shares for the domains the bundle has, plus the world's knowledge prose.
      mix: { general: 0.45, knowledge: 0.3, reasoning: 0.15, code: 0.1 },
      annealing: { knowledge: 2, reasoning: 2 },
      tokenizer: { kind: 'bpe', vocabSize: 4096 },
      valFraction: 0.02,
    },
    optim: { lr: 2e-3 },
    schedule: cfg.quick ? { steps: 120, warmupSteps: 10, annealSteps: 20 } : { steps: 1500, warmupSteps: 75, annealSteps: 150 },
    stages: [{ fromStep: 0, seqLen: 128, batchSize: 16 }],
    eval: { every: cfg.quick ? 60 : 250, sequences: 64 },
    checkpoint: { every: cfg.quick ? 5 : 50, keep: 4 }, // the averaged checkpoints all lie in the annealing steps
    average: { checkpoints: 4 },
    sample: { prompt: 'The', tokens: 32 },
  };
  return parseTrainConfig(merge(base, cfg.pretrain), 'recipe config: pretrain');
}

export function pretrainStage(cfg: RecipeConfig, data: DataResult, world: WorldResult, dir: string): PretrainSummary {
  // A run interrupted in this stage resumes from its last checkpoint.
  const tc = pretrainConfig(cfg, data, world, dir);
  return pretrain(tc, { resume: listCheckpoints(dir).length > 0 });
}
