// The single HTML report of a recipe run: per stage, what it did and what changed, with the SVG plots the
// stages wrote (src/report builds the page; nothing is fetched from the network).
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { htmlReport, type ReportSection } from '../report/index.js';
import type { DataResult, WorldResult } from './stages.js';
import type { PretrainSummary } from '../train/pretrain.js';
import type { RecipeConfig } from './config.js';
import type { StageRecord } from './stage.js';

type Section = ReportSection;

const fmt = (v: number | null | undefined, d = 3) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(d));

function svgIf(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

const sections: Record<string, (r: StageRecord<never>) => Section[]> = {
  world: (r) => {
    const w = r.result as WorldResult;
    return [{ heading: 'Synthetic alignment world', text: `${w.entities} fictional entities; ${w.corpusDocs} documents of knowledge-base prose join the pretraining corpus.` }];
  },
  data: (r) => {
    const d = r.result as DataResult;
    const rows = d.report.steps.map((s) => [s.filter, s.docsIn, s.removedDocs, s.removedTokens, fmt(s.seconds, 1)]);
    const dedup = d.report.dedup;
    const q = d.report.quality;
    return [{
      heading: 'Data: filters, dedup and quality (Llama 3 §3.1)',
      text: `${d.docs} documents (${d.tokens} tokens, estimated) kept. Dedup on injected near-duplicates at Jaccard ≥ 0.8: ` +
        `recall ${fmt(dedup?.minhash.recall)}, precision ${fmt(dedup?.minhash.precision)} (MinHash estimate). ` +
        `Quality classifier AUC on held-out documents ${fmt(q?.heldOutDocs?.auc)}, held-out sources ${fmt(q?.heldOutSources?.auc)}. ` +
        `Full data report: ${d.reportHtml}.`,
      table: { head: ['filter', 'docs in', 'docs removed', 'tokens removed', 'seconds'], rows },
    }];
  },
  pretrain: (r) => {
    const p = r.result as PretrainSummary;
    const avg = p.average;
    return [{
      heading: 'Pretraining (Llama 2 §2.2, Llama 3 §3.4)',
      text: `${p.step} steps. Validation loss ${fmt(p.valLoss)} nats/token (perplexity ${fmt(p.valPerplexity, 1)}) against the ` +
        `unigram baseline ${fmt(p.unigramEntropy)}.` + (avg ? ` Polyak average of ${avg.checkpoints.length} checkpoints: ${fmt(avg.valLossAverage)} vs last checkpoint ${fmt(avg.valLossLast)}.` : '') +
        (p.sample ? ` Greedy sample: “${p.sample}”` : ''),
      svg: ['loss.svg', 'lr.svg', 'grad-norm.svg'].map((f) => svgIf(join(p.out, f))).filter((x): x is string => x !== undefined),
    }];
  },
  export: (r) => {
    const e = r.result as { files: string[] };
    return [{ heading: 'Exports', text: `GGUF (F32, Q8_0) for llama.cpp and a Hugging Face folder: ${e.files.join(', ')}.` }];
  },
};

export function buildReport(cfg: RecipeConfig, records: StageRecord<unknown>[]): string {
  const timing = { head: ['stage', 'seconds'], rows: records.map((r) => [r.stage, fmt(r.seconds, 1)]) };
  const body: Section[] = [{ heading: 'Run', text: `seed ${cfg.seed}${cfg.quick ? ', quick mode' : ''}; output in ${cfg.out}.`, table: timing }];
  for (const r of records) body.push(...(sections[r.stage]?.(r as StageRecord<never>) ?? []));
  return htmlReport({ title: 'llamats recipe report', subtitle: 'From raw text to an aligned chat model', sections: body });
}
