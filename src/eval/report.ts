// Evaluation results as readable tables (plain text / Markdown) and SVG charts, for `llamats eval` and the
// recipe report: world metrics per model (helpfulness with 95% intervals on all, seen-template and held-out-
// template prompts; violation and false-refusal rates), judged win rates, and reward-model accuracy per
// rating bucket in the layout of Llama 2 Table 8, with RM score against judged helpfulness.
import { barChart, scatterPlot } from '../report/index.js';
import type { RewardEvaluation } from '../align/reward-eval.js';
import { RATINGS, type WinRate, type WorldMetrics } from '../align/world/index.js';

export interface ModelResult {
  name: string;
  metrics: WorldMetrics;
  /** Metrics on the held-out safety set (unsafe + borderline prompts), when evaluated. */
  safety?: WorldMetrics;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}`;
const pm = (m: { mean: number; ci95: number; n: number }) => (m.n === 0 ? '–' : `${m.mean.toFixed(3)} ± ${m.ci95.toFixed(3)}`);
const rate = (r: { rate: number; ci95: number; n: number }) => (r.n === 0 ? '–' : `${pct(r.rate)} ± ${pct(r.ci95)}% (n ${r.n})`);

/** Markdown table: one row per model. */
export function metricsTable(results: readonly ModelResult[]): string {
  const head = '| model | prompts | helpfulness | seen templates | held-out templates | held-out task | violation rate | false refusal rate | borderline false refusals |';
  const rows = results.map((r) => {
    const m = r.metrics;
    const vr = r.safety ? r.safety.violationRate : m.violationRate;
    const borderline = r.safety ? r.safety.borderlineFalseRefusalRate : m.borderlineFalseRefusalRate;
    return `| ${r.name} | ${m.n} | ${pm(m.helpfulness)} | ${pm(m.seen)} | ${pm(m.heldOutTemplate)} | ${pm(m.heldOutTask)} | ${rate(vr)} | ${rate(m.falseRefusalRate)} | ${rate(borderline)} |`;
  });
  const note = '\nHelpfulness: judged, mean ± 95% interval; "seen templates" = phrasings used in training, "held-out templates" = ' +
    `phrasings never used in training. Violation rate: unsafe prompts${results.some((r) => r.safety) ? ' of the held-out safety set' : ''} answered with anything but a refusal; ` +
    'false refusal rate: refusals among all other held-out prompts; borderline: among the benign look-alikes of unsafe requests (Llama 3 §5.4).';
  return [head, `|${'---|'.repeat(9)}`, ...rows].join('\n') + note;
}

/** Markdown table of helpfulness per family, one column per model. */
export function familyTable(results: readonly ModelResult[]): string {
  const families = [...new Set(results.flatMap((r) => Object.keys(r.metrics.byFamily)))].sort();
  const head = `| family | ${results.map((r) => r.name).join(' | ')} |`;
  const rows = families.map((f) => `| ${f} | ${results.map((r) => (r.metrics.byFamily[f] ? pm(r.metrics.byFamily[f]!) : '–')).join(' | ')} |`);
  return [head, `|${'---|'.repeat(results.length + 1)}`, ...rows].join('\n');
}

export function winRateTable(rows: readonly { a: string; b: string; result: WinRate }[]): string {
  const head = '| A | B | win | tie | loss | win / (win + loss) | 95% interval |';
  const body = rows.map(({ a, b, result: w }) => `| ${a} | ${b} | ${w.win} | ${w.tie} | ${w.loss} | ${pct(w.winRate)}% | ${pct(w.ci95[0])}–${pct(w.ci95[1])}% |`);
  return [head, '|---|---|---|---|---|---|---|', ...body].join('\n');
}

export function helpfulnessChart(results: readonly ModelResult[]): string {
  return barChart({
    title: 'Judged helpfulness on held-out prompts',
    categories: ['all', 'seen templates', 'held-out templates'],
    series: results.map((r) => ({ name: r.name, values: [r.metrics.helpfulness.mean, r.metrics.seen.mean, r.metrics.heldOutTemplate.mean] })),
    yLabel: 'helpfulness', valueLabels: true,
  });
}

export function safetyChart(results: readonly ModelResult[]): string {
  return barChart({
    title: 'Violation and false-refusal rates',
    categories: ['violation rate', 'false refusal rate', 'borderline false refusals'],
    series: results.map((r) => {
      const s = r.safety ?? r.metrics;
      return { name: r.name, values: [s.violationRate.rate, r.metrics.falseRefusalRate.rate, s.borderlineFalseRefusalRate.rate] };
    }),
    yLabel: 'share of prompts', valueLabels: true,
  });
}

const RATING_LABEL = { significantly_better: 'Significantly Better', better: 'Better', slightly_better: 'Slightly Better', negligibly_better: 'Negligibly Better / Unsure' } as const;

/** Llama 2 Table 8 layout: accuracy (%) per rating bucket and on average, one row per reward model. */
export function rewardAccuracyTable(results: readonly { name: string; eval: RewardEvaluation }[]): string {
  const head = `| reward model | ${RATINGS.map((r) => RATING_LABEL[r]).join(' | ')} | Avg | vs judge | Pearson r |`;
  const rows = results.map(({ name, eval: e }) =>
    `| ${name} | ${RATINGS.map((r) => `${pct(e.byRating[r].accuracy)} (n ${e.byRating[r].n})`).join(' | ')} | ${pct(e.overall.accuracy)} ± ${pct(e.overall.ci95)} | ${pct(e.judge.accuracy)} | ${e.pearson.toFixed(3)} |`);
  return [head, `|${'---|'.repeat(RATINGS.length + 4)}`, ...rows].join('\n') +
    '\nAccuracy: share of held-out pairs whose annotator-chosen response the RM scores higher (Llama 2 Table 8); "vs judge": against the world\'s exact judge.';
}

export function rewardAccuracyChart(results: readonly { name: string; eval: RewardEvaluation }[]): string {
  return barChart({
    title: 'Reward-model accuracy per rating bucket (held out)',
    categories: RATINGS.map((r) => RATING_LABEL[r]),
    series: results.map(({ name, eval: e }) => ({ name, values: RATINGS.map((r) => e.byRating[r].accuracy) })),
    yLabel: 'accuracy', valueLabels: true,
  });
}

/** RM score against judged helpfulness of each held-out response (safe / unsafe responses apart when known). */
export function rewardScatter(name: string, e: RewardEvaluation): string {
  const known = e.points.some((p) => p.safe !== null);
  const series = known
    ? [{ name: 'safe response', points: e.points.filter((p) => p.safe !== false).map((p) => [p.judge, p.score] as const) },
      { name: 'unsafe response', points: e.points.filter((p) => p.safe === false).map((p) => [p.judge, p.score] as const) }]
    : [{ name: 'response', points: e.points.map((p) => [p.judge, p.score] as const) }];
  return scatterPlot({ title: `${name}, r = ${e.pearson.toFixed(2)}`, xLabel: 'judged helpfulness (world judge)', yLabel: 'reward-model score', series });
}
