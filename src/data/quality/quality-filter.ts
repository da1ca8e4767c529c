// The model-based quality filter (Llama 3 §3.1.1). Labels follow the Llama 3 idea of a classifier of
// "reference-like" text: positives are documents from sources a reference work would cite (a classic novel,
// presidential addresses, well-formed worked math), negatives are spam mail plus generated junk. The model's
// quality is reported honestly twice:
//   - held-out documents: a deterministic 20% of the labelled documents (by id hash) never seen in training;
//   - held-out sources: one positive source and one negative source left out of training entirely, so the
//     classifier must generalise to a new author and a new spam campaign, not recognise a style it saw.
// The filter itself then uses a model trained on all labelled documents and removes documents of the chosen
// domains scoring below the threshold.
import { estimateTokens, type CountTokens, type Doc } from '../doc.js';
import { removal, type FilterStep } from '../filter-step.js';
import { hashString } from '../hash.js';
import { generateJunk } from '../junk.js';
import { rocAuc } from './auc.js';
import { CLASSIFIER_DEFAULTS, QualityClassifier, type ClassifierConfig, type LabelledText } from './classifier.js';

export interface QualityConfig extends ClassifierConfig {
  /** Remove documents whose P(high quality) is below this. */
  threshold: number;
  /** Domains the filter applies to (Llama 3 trains separate code and math classifiers; we filter prose). */
  domains: string[];
  /** Sources (or source prefixes, "spam-assassin" matches "spam-assassin/spam-1") labelled 1 and 0. */
  positiveSources: string[];
  negativeSources: string[];
  /** Extra generated junk negatives (a seed of their own, distinct from any junk injected into the corpus). */
  syntheticNegatives: number;
  syntheticSeed: number;
  /** Left out of training for the held-out-source evaluation; null skips it. */
  heldOutSources: { positive: string; negative: string } | null;
  testFraction: number;
}

export const QUALITY_DEFAULTS: QualityConfig = {
  ...CLASSIFIER_DEFAULTS, threshold: 0.5, domains: ['general'],
  positiveSources: ['moby-dick', 'sotu', 'math-problems'], negativeSources: ['spam-assassin/spam-1', 'spam-assassin/spam-2'],
  syntheticNegatives: 200, syntheticSeed: 1001, heldOutSources: { positive: 'sotu', negative: 'spam-assassin/spam-2' }, testFraction: 0.2,
};

export interface AucResult {
  auc: number;
  positives: number;
  negatives: number;
  /** What was held out, in words, for the report. */
  protocol: string;
}

export interface QualityModel {
  model: QualityClassifier;
  heldOutDocs: AucResult | null;
  heldOutSources: AucResult | null;
  trainingExamples: { positives: number; negatives: number };
}

const fromSource = (source: string, names: readonly string[]) => names.some((n) => source === n || source.startsWith(`${n}/`));

/** Labelled examples: the corpus documents of the positive and negative sources, plus synthetic junk. */
export function labelledDocs(docs: readonly Doc[], c: QualityConfig): (Doc & { label: 0 | 1 })[] {
  const out: (Doc & { label: 0 | 1 })[] = [];
  for (const d of docs) {
    if (fromSource(d.source, c.positiveSources)) out.push({ ...d, label: 1 });
    else if (fromSource(d.source, c.negativeSources)) out.push({ ...d, label: 0 });
  }
  for (const j of generateJunk(c.syntheticNegatives, c.syntheticSeed)) out.push({ ...j, label: 0 });
  return out;
}

function evaluate(model: QualityClassifier, test: readonly (Doc & { label: 0 | 1 })[], protocol: string): AucResult | null {
  const positives = test.filter((d) => d.label === 1).length;
  if (positives === 0 || positives === test.length) return null;
  return { auc: rocAuc(test.map((d) => model.score(d.text)), test.map((d) => d.label)), positives, negatives: test.length - positives, protocol };
}

const toExamples = (docs: readonly (Doc & { label: 0 | 1 })[]): LabelledText[] => docs.map((d) => ({ text: d.text, label: d.label }));

export function trainQualityModel(docs: readonly Doc[], config: Partial<QualityConfig> = {}): QualityModel {
  const c = { ...QUALITY_DEFAULTS, ...config };
  const labelled = labelledDocs(docs, c);

  const isTest = (d: Doc) => hashString(d.id, 77) / 2 ** 32 < c.testFraction;
  const splitModel = new QualityClassifier(c);
  splitModel.train(toExamples(labelled.filter((d) => !isTest(d))));
  const heldOutDocs = evaluate(splitModel, labelled.filter(isTest), `${Math.round(c.testFraction * 100)}% of documents (by id hash) held out of training`);

  let heldOutSources: AucResult | null = null;
  if (c.heldOutSources) {
    const held = [c.heldOutSources.positive, c.heldOutSources.negative];
    const test = labelled.filter((d) => fromSource(d.source, held));
    const train = labelled.filter((d) => !fromSource(d.source, held));
    if (test.length > 0 && train.some((d) => d.label === 1) && train.some((d) => d.label === 0)) {
      const sourceModel = new QualityClassifier(c);
      sourceModel.train(toExamples(train));
      heldOutSources = evaluate(sourceModel, test, `trained without ${held.join(' and ')}; tested on all of their documents`);
    }
  }

  const model = new QualityClassifier(c);
  model.train(toExamples(labelled));
  const positives = labelled.filter((d) => d.label === 1).length;
  return { model, heldOutDocs, heldOutSources, trainingExamples: { positives, negatives: labelled.length - positives } };
}

export function qualityFilter(docs: readonly Doc[], model: QualityClassifier, config: Partial<QualityConfig> = {}, countTokens: CountTokens = estimateTokens): FilterStep {
  const c = { ...QUALITY_DEFAULTS, ...config };
  const domains = new Set(c.domains);
  const kept: Doc[] = [];
  const removed = [];
  for (const d of docs) {
    if (!domains.has(d.domain)) {
      kept.push(d);
      continue;
    }
    const score = model.score(d.text);
    if (score >= c.threshold) kept.push({ ...d, meta: { ...d.meta, quality: Number(score.toFixed(4)) } });
    else removed.push(removal(d, 'quality', `quality < ${c.threshold}`, `P(reference-like) = ${score.toFixed(3)}`, countTokens));
  }
  return { filter: 'quality', kept, removed, trimmedTokens: 0, details: { threshold: c.threshold, domains: c.domains, dim: c.dim, buckets: c.buckets, epochs: c.epochs } };
}
