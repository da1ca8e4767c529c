// The single HTML report of a recipe run: per stage, what it did and what changed, with the SVG plots the
// stages wrote (src/report builds the page; nothing is fetched from the network).
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { htmlReport, type ReportSection } from '../report/index.js';
import type { DataResult, WorldResult } from './stages.js';
import type { PretrainSummary } from '../train/pretrain.js';
import type { RecipeConfig } from './config.js';
import type { StageRecord } from './stage.js';
import type { SftSummary } from '../align/sft-run.js';
import type { RewardSummary } from '../align/reward-run.js';
import type { RsRunSummary } from '../align/rs-run.js';
import type { DpoRunSummary } from '../align/dpo-run.js';
import type { PpoRunSummary } from '../align/ppo-run.js';
import type { GattRunSummary } from '../align/gatt-run.js';
import type { EvalReport } from '../eval/run.js';
import type { EvalResult } from '../align/run-common.js';
import { RATINGS } from '../align/world/index.js';

type Section = ReportSection;

const fmt = (v: number | null | undefined, d = 3) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(d));

function svgIf(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/** Every SVG plot a stage wrote into its folder (sorted by name). */
function svgsIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.svg')).sort().map((f) => readFileSync(join(dir, f), 'utf8'));
}

const pct = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '—' : `${(100 * x).toFixed(1)}%`);


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
  sft: (r) => {
    const x = r.result as SftSummary;
    return [{
      heading: 'Supervised fine-tuning (Llama 2 §3.1; loss on answer tokens only)',
      text: `${x.examples} chat examples, ${x.steps} steps. Held-out answer loss ${fmt(x.valLossBefore)} → ${fmt(x.valLossAfter)} nats/token.`,
      svg: svgsIn(x.out),
    }];
  },
  'rm-helpfulness': (r) => rewardSection(r.result as RewardSummary),
  'rm-safety': (r) => rewardSection(r.result as RewardSummary),
  rs: (r) => {
    const x = r.result as RsRunSummary;
    return [{ heading: 'Rejection sampling (Llama 2 §3.2.3; best of K by the reward models)', text: `Scorer: ${x.scorer}. ${comparisonText(x.eval)}`, svg: svgsIn(x.out) }];
  },
  dpo: (r) => {
    const x = r.result as DpoRunSummary;
    const rounds = x.rounds ?? [];
    const rows = rounds.map((r) => [r.round, r.pairs, r.report ? r.report.noPair : '—', fmt(r.dpo.after.accuracy, 2), fmt(r.dpo.after.margin, 3)]);
    return [{
      heading: 'DPO (Llama 3 §4.1.4: β 0.1, format tokens masked, NLL 0.2)',
      text: `${x.pairs.total} preference pairs (${x.pairs.source})${rounds.length > 1 ? ` over ${rounds.length} Llama 3 rounds, each sampled from the latest model` : ''}. ${comparisonText(x.eval)}`,
      ...(rounds.length > 1 ? { table: { head: ['round', 'pairs', 'prompts without two distinct answers', 'implicit-reward accuracy after', 'margin after'], rows } } : {}),
      svg: svgsIn(x.out),
    }];
  },
  ppo: (r) => {
    const x = r.result as PpoRunSummary;
    return [{ heading: 'PPO (Llama 2 §3.2.3: safety-gated RM reward, whiten(logit), per-token KL)', text: `${x.iterations} iterations (kept iteration ${x.keptIteration}). Scorer: ${x.scorer}. ${comparisonText(x.eval)}`, svg: svgsIn(x.out) }];
  },
  gatt: (r) => {
    const x = r.result as GattRunSummary;
    const rows = x.adherence.map((a) => [a.turn, pct(a.start), a.control === null ? '—' : pct(a.control), pct(a.gatt)]);
    const kindRows = (x.byKind ?? []).flatMap((b) => Object.keys(b.gatt).map((k) => [b.turn, k, pct(b.start[k]), b.control ? pct(b.control[k]) : '—', pct(b.gatt[k])]));
    return [
      {
        heading: 'Ghost Attention (Llama 2 §3.3): system constraint adherence by turn',
        text: `${x.data.rows} GAtt rows and ${x.data.replay ?? 0} replayed single-turn examples in the fine-tuning (the control gets the same replay).`,
        table: { head: ['turn', 'start', 'without GAtt (control)', 'with GAtt'], rows }, svg: svgsIn(x.out),
      },
      ...(kindRows.length ? [{ heading: 'Ghost Attention: adherence per constraint kind', table: { head: ['turn', 'constraint', 'start', 'without GAtt (control)', 'with GAtt'], rows: kindRows } }] : []),
    ];
  },
  eval: (r) => {
    const x = r.result as EvalReport;
    const rows = x.models.map((m) => [m.name, fmt(m.metrics.helpfulness.mean), fmt(m.metrics.seen.mean), fmt(m.metrics.heldOutTemplate.mean),
      pct(m.safety?.violationRate.rate ?? m.metrics.violationRate.rate), pct(m.safety?.falseRefusalRate.rate ?? m.metrics.falseRefusalRate.rate)]);
    const wins = x.winRates.map((w) => [`${w.a} vs ${w.b}`, w.result.win, w.result.tie, w.result.loss, pct(w.result.winRate), `${pct(w.result.ci95[0])} – ${pct(w.result.ci95[1])}`]);
    return [
      { heading: 'Evaluation on held-out prompts (world judges)', table: { head: ['model', 'helpfulness', 'seen templates', 'held-out templates', 'violation rate', 'false-refusal rate'], rows }, svg: svgsIn(join(cfg0.out, 'eval')) },
      { heading: 'Judged win rates (against the SFT model; the exported chat model also against the DPO model)', table: { head: ['comparison', 'win', 'tie', 'loss', 'win rate', '95% interval (Wilson)'], rows: wins } },
    ];
  },
  export: (r) => {
    const e = r.result as { files: string[] };
    return [{ heading: 'Exports', text: `GGUF (F32, Q8_0) for llama.cpp and a Hugging Face folder: ${e.files.join(', ')}.` }];
  },
};

function rewardSection(x: RewardSummary): Section[] {
  const acc = x.accuracy[x.kind];
  const rows = acc ? [...RATINGS.map((k) => [k.replace(/_/g, ' '), pct(acc.byRating[k].accuracy), acc.byRating[k].n]), ['overall', pct(acc.overall.accuracy), acc.overall.n]] : [];
  return [{
    heading: `${x.kind === 'helpfulness' ? 'Helpfulness' : 'Safety'} reward model (Llama 2 §3.2.2, margin loss): held-out accuracy by rating (Table 8)`,
    text: `${x.pairs.trained} training pairs, ${x.steps} steps.${acc ? ` RM score vs judged helpfulness: Pearson ${fmt(acc.pearson)}.` : ''}`,
    table: { head: ['rating', 'accuracy', 'pairs'], rows },
    svg: svgsIn(x.out),
  }];
}

function comparisonText(e: EvalResult): string {
  const h = e.heldout;
  const sf = e.safety;
  const parts: string[] = [];
  if (h) parts.push(`Held-out helpfulness ${fmt(h.baseline.helpfulness)} → ${fmt(h.model.helpfulness)}, judged win rate against the starting model ${pct(h.winRate.winRate)} (${h.winRate.win} win / ${h.winRate.tie} tie / ${h.winRate.loss} loss), mean RM reward ${fmt(h.baseline.reward)} → ${fmt(h.model.reward)}.`);
  if (sf) parts.push(`Safety set: violation rate ${pct(sf.baseline.violationRate)} → ${pct(sf.model.violationRate)}, false-refusal rate ${pct(sf.baseline.falseRefusalRate)} → ${pct(sf.model.falseRefusalRate)}.`);
  return parts.join(' ');
}

let cfg0: RecipeConfig;

export function buildReport(cfg: RecipeConfig, records: StageRecord<unknown>[]): string {
  cfg0 = cfg;
  const timing = { head: ['stage', 'seconds'], rows: records.map((r) => [r.stage, fmt(r.seconds, 1)]) };
  const body: Section[] = [{ heading: 'Run', text: `seed ${cfg.seed}${cfg.quick ? ', quick mode' : ''}; output in ${cfg.out}.`, table: timing }];
  for (const r of records) body.push(...(sections[r.stage]?.(r as StageRecord<never>) ?? []));
  return htmlReport({ title: 'llamats recipe report', subtitle: 'From raw text to an aligned chat model', sections: body });
}
