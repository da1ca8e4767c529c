// The pretraining data pipeline of Llama 3 §3.1.1, in its order: de-duplication (document-level MinHash,
// then line-level), heuristic filtering, model-based quality filtering; then the domain mix (§3.1.2) and
// the annealing mix (§3.4). Known near-duplicates and junk are injected first, so that every run measures
// the filters against ground truth. Injected documents never reach the output corpus.
import type { CountTokens, Doc } from './doc.js';
import { estimateTokens } from './doc.js';
import type { DataConfig } from './config.js';
import { evaluateDedup, type DedupEvaluation } from './dedup-eval.js';
import type { FilterStep } from './filter-step.js';
import { heuristicFilter } from './heuristics.js';
import { generateJunk } from './junk.js';
import { lineDedup } from './line-dedup.js';
import { annealingWeights, planMix, type MixPlan } from './mix.js';
import { findNearDuplicates, minhashDedup } from './minhash-dedup.js';
import { injectNearDuplicates } from './near-duplicates.js';
import { qualityFilter, trainQualityModel, type AucResult } from './quality/quality-filter.js';

export interface StepSummary {
  filter: string;
  docsIn: number;
  docsOut: number;
  tokensIn: number;
  tokensOut: number;
  removedDocs: number;
  removedTokens: number;
  trimmedTokens: number;
  byRule: { rule: string; docs: number; tokens: number }[];
  bySource: { source: string; docsIn: number; removed: number; tokens: number }[];
  examples: { id: string; rule: string; detail: string }[];
  details: Record<string, unknown>;
  seconds: number;
}

export interface DataReport {
  version: 1;
  tokenCounter: string;
  sources: { source: string; domain: string; docs: number; tokens: number }[];
  injected: { nearDuplicates: number; junk: number; seed: number };
  steps: StepSummary[];
  dedup: { exact: DedupEvaluation; minhash: DedupEvaluation } | null;
  junk: { kind: string; injected: number; removed: number; byFilter: Record<string, number> }[];
  quality: { heldOutDocs: AucResult | null; heldOutSources: AucResult | null; trainingExamples: { positives: number; negatives: number } } | null;
  mix: MixPlan & { annealing: Record<string, number> };
  output: { docs: number; tokens: number; byDomain: { domain: string; docs: number; tokens: number }[] };
}

export interface PipelineOptions {
  countTokens?: CountTokens;
  /** Name of the token counter, for the report. */
  tokenCounter?: string;
  /** Called as each step finishes (the CLI prints progress with it). */
  onStep?: (name: string, seconds: number) => void;
}

const isInjected = (d: Doc) => d.meta?.injected !== undefined;

function tally<K extends string>(items: readonly { key: K; tokens: number }[]): Map<K, { docs: number; tokens: number }> {
  const m = new Map<K, { docs: number; tokens: number }>();
  for (const { key, tokens } of items) {
    const e = m.get(key) ?? { docs: 0, tokens: 0 };
    e.docs++;
    e.tokens += tokens;
    m.set(key, e);
  }
  return m;
}

function summarize(input: readonly Doc[], step: FilterStep, seconds: number, countTokens: CountTokens): StepSummary {
  const tokensIn = input.reduce((a, d) => a + countTokens(d.text), 0);
  const removedTokens = step.removed.reduce((a, r) => a + r.tokens, 0);
  const docsIn = tally(input.map((d) => ({ key: d.source, tokens: 0 })));
  const removedBySource = tally(step.removed.map((r) => ({ key: r.source, tokens: r.tokens })));
  return {
    filter: step.filter, docsIn: input.length, docsOut: step.kept.length, tokensIn, tokensOut: tokensIn - removedTokens - step.trimmedTokens,
    removedDocs: step.removed.length, removedTokens, trimmedTokens: step.trimmedTokens,
    byRule: [...tally(step.removed.map((r) => ({ key: r.rule, tokens: r.tokens }))).entries()].map(([rule, v]) => ({ rule, ...v })).sort((a, b) => b.docs - a.docs),
    bySource: [...docsIn.entries()].map(([source, v]) => ({ source, docsIn: v.docs, removed: removedBySource.get(source)?.docs ?? 0, tokens: removedBySource.get(source)?.tokens ?? 0 })),
    examples: step.removed.filter((r) => !r.id.includes('~near-dup')).slice(0, 8).map((r) => ({ id: r.id, rule: r.rule, detail: r.detail })),
    details: step.details, seconds,
  };
}

/** Runs the whole pipeline on `corpus`; returns the surviving (non-injected) documents and the report. */
export function runPipeline(corpus: readonly Doc[], config: DataConfig, opts: PipelineOptions = {}): { docs: Doc[]; report: DataReport } {
  const countTokens = opts.countTokens ?? estimateTokens;
  const timed = <T>(name: string, f: () => T): [T, number] => {
    const t0 = performance.now();
    const out = f();
    const s = (performance.now() - t0) / 1000;
    opts.onStep?.(name, s);
    return [out, s];
  };

  const sources = [...tally(corpus.map((d) => ({ key: `${d.source}\u0000${d.domain}`, tokens: countTokens(d.text) }))).entries()]
    .map(([k, v]) => ({ source: k.split('\u0000')[0]!, domain: k.split('\u0000')[1]!, ...v }));

  // Ground truth: junk first (so near-duplicates are copies of real documents only), then edited copies.
  const junk = generateJunk(config.inject.junk, config.inject.seed);
  const { docs: injected, pairs } = injectNearDuplicates([...corpus], { count: config.inject.nearDuplicates, seed: config.inject.seed });
  let docs: Doc[] = [...injected, ...junk];

  const steps: StepSummary[] = [];
  const [found, tFind] = timed('minhash signatures + LSH', () => findNearDuplicates(docs, config.minhash));
  const dedup = pairs.length > 0
    ? { exact: evaluateDedup(docs, pairs, config.minhash, found, 'exact'), minhash: evaluateDedup(docs, pairs, config.minhash, found, 'minhash') }
    : null;
  const run = (name: string, f: (input: Doc[]) => FilterStep, extraSeconds = 0) => {
    const input = docs;
    const [step, s] = timed(name, () => f(input));
    steps.push(summarize(input, step, s + extraSeconds, countTokens));
    docs = step.kept;
    return step;
  };
  const removedBy = new Map<string, string>();
  const record = (step: FilterStep) => step.removed.forEach((r) => removedBy.set(r.id, step.filter));

  record(run('minhash-dedup', (input) => minhashDedup(input, config.minhash, countTokens, found), tFind));
  record(run('line-dedup', (input) => lineDedup(input, config.lineDedup, countTokens)));
  record(run('heuristics', (input) => heuristicFilter(input, config.heuristics, countTokens)));
  let quality: DataReport['quality'] = null;
  record(run('quality', (input) => {
    const q = trainQualityModel(input.filter((d) => !isInjected(d)), config.quality);
    quality = { heldOutDocs: q.heldOutDocs, heldOutSources: q.heldOutSources, trainingExamples: q.trainingExamples };
    return qualityFilter(input, q.model, config.quality, countTokens);
  }));

  const junkReport = [...new Set(junk.map((j) => j.meta!.kind as string))].map((kind) => {
    const ofKind = junk.filter((j) => j.meta!.kind === kind);
    const byFilter: Record<string, number> = {};
    for (const j of ofKind) {
      const f = removedBy.get(j.id);
      if (f) byFilter[f] = (byFilter[f] ?? 0) + 1;
    }
    return { kind, injected: ofKind.length, removed: Object.values(byFilter).reduce((a, v) => a + v, 0), byFilter };
  });

  const out = docs.filter((d) => !isInjected(d));
  const byDomain = tally(out.map((d) => ({ key: d.domain, tokens: countTokens(d.text) })));
  const mix = planMix(out, config.mix, countTokens);
  return {
    docs: out,
    report: {
      version: 1, tokenCounter: opts.tokenCounter ?? 'estimate: ⌈UTF-8 bytes / 4⌉', sources,
      injected: { nearDuplicates: pairs.length, junk: junk.length, seed: config.inject.seed },
      steps, dedup, junk: junkReport, quality,
      mix: { ...mix, annealing: annealingWeights(mix.weights, config.annealing) },
      output: { docs: out.length, tokens: [...byDomain.values()].reduce((a, v) => a + v.tokens, 0), byDomain: [...byDomain.entries()].map(([domain, v]) => ({ domain, ...v })) },
    },
  };
}
