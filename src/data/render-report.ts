// The data report for people: a plain-text table for the terminal and a self-contained HTML page with plots
// (src/report). The JSON form is the DataReport object itself.
import { barChart, htmlReport, linePlot, type ReportSection } from '../report/index.js';
import { candidateProbability } from './lsh.js';
import type { DataReport } from './pipeline.js';

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : 'n/a');
const n3 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(3));

function columns(rows: readonly (readonly (string | number)[])[]): string {
  const cells = rows.map((r) => r.map(String));
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((r) => r[i]?.length ?? 0)));
  return cells.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}

export function renderText(r: DataReport): string {
  const out: string[] = [];
  out.push(`Sources (tokens: ${r.tokenCounter})`);
  out.push(columns([['source', 'domain', 'docs', 'tokens'], ...r.sources.map((s) => [s.source, s.domain, s.docs, s.tokens])]));
  out.push('', `Injected ground truth: ${r.injected.nearDuplicates} edited near-duplicates, ${r.injected.junk} junk documents (seed ${r.injected.seed})`);
  out.push('', 'Filters (Llama 3 §3.1.1 order)');
  out.push(columns([['filter', 'docs in', 'removed', 'tokens in', 'tokens removed', 'trimmed', 'seconds'],
    ...r.steps.map((s) => [s.filter, s.docsIn, s.removedDocs, s.tokensIn, `${s.removedTokens} (${pct(s.removedTokens / Math.max(1, s.tokensIn))})`, s.trimmedTokens, s.seconds.toFixed(1)])]));
  for (const s of r.steps) {
    if (s.byRule.length === 0) continue;
    out.push('', `  ${s.filter}: removed by rule`);
    out.push(columns([['  rule', 'docs', 'tokens'], ...s.byRule.map((b) => [`  ${b.rule}`, b.docs, b.tokens])]));
  }
  if (r.dedup) {
    out.push('', `Document dedup on injected ground truth (Jaccard ≥ ${r.dedup.exact.threshold}, ${r.dedup.exact.bands} bands × ${r.dedup.exact.rows} rows)`);
    out.push(columns([['verification', 'pairs', 'positives', 'recall', 'precision'],
      ...[r.dedup.exact, r.dedup.minhash].map((e) => [e.verify === 'exact' ? 'exact Jaccard (used)' : 'MinHash estimate', e.pairs, e.positives, n3(e.recall), n3(e.precision)])]));
  }
  if (r.quality) {
    out.push('', 'Quality classifier (fastText-style), held-out ROC AUC');
    for (const a of [r.quality.heldOutDocs, r.quality.heldOutSources]) if (a) out.push(`  ${n3(a.auc)}  ${a.protocol} (${a.positives} positive, ${a.negatives} negative)`);
  }
  out.push('', 'Injected junk caught');
  out.push(columns([['kind', 'injected', 'removed', 'by filter'], ...r.junk.map((j) => [j.kind, j.injected, j.removed, Object.entries(j.byFilter).map(([f, k]) => `${f} ${k}`).join(', ') || '-'])]));
  out.push('', `Mix (token shares; requested ${JSON.stringify(r.mix.requested)})`);
  if (r.mix.missing.length > 0) out.push(`  missing domains, dropped and renormalised: ${r.mix.missing.join(', ')}`);
  if (r.mix.unweighted.length > 0) out.push(`  domains with documents but no weight (not sampled): ${r.mix.unweighted.join(', ')}`);
  out.push(columns([['domain', 'weight', 'annealing', 'tokens available'], ...Object.keys(r.mix.weights).map((d) => [d, r.mix.weights[d]!.toFixed(3), (r.mix.annealing[d] ?? 0).toFixed(3), r.mix.availableTokens[d] ?? 0])]));
  out.push('', `Output: ${r.output.docs} documents, ${r.output.tokens} tokens`);
  return `${out.join('\n')}\n`;
}

export function renderHtml(r: DataReport, title = 'llamats data report'): string {
  const sections: ReportSection[] = [
    { heading: 'Sources', text: `Token counts: ${r.tokenCounter}.`, table: { head: ['source', 'domain', 'docs', 'tokens'], rows: r.sources.map((s) => [s.source, s.domain, s.docs, s.tokens]) } },
    {
      heading: 'Filters',
      text: 'Applied in the order of Llama 3 §3.1.1: document-level MinHash dedup, line-level dedup, heuristic rules (Gopher thresholds), model-based quality.',
      table: { head: ['filter', 'docs in', 'docs removed', 'tokens in', 'tokens removed', 'tokens trimmed', 'seconds'], rows: r.steps.map((s) => [s.filter, s.docsIn, s.removedDocs, s.tokensIn, s.removedTokens, s.trimmedTokens, Number(s.seconds.toFixed(2))]) },
      svg: barChart({
        title: 'Documents removed per filter and source', yLabel: 'documents',
        categories: r.steps.map((s) => s.filter),
        series: [...new Set(r.steps.flatMap((s) => s.bySource.map((b) => b.source.split('/')[0]!)))].map((src) => ({
          name: src, values: r.steps.map((s) => s.bySource.filter((b) => b.source.split('/')[0] === src).reduce((a, b) => a + b.removed, 0)),
        })),
      }),
    },
    ...r.steps.filter((s) => s.byRule.length > 0).map((s) => ({ heading: `Removed by ${s.filter}`, table: { head: ['rule', 'docs', 'tokens'], rows: s.byRule.map((b) => [b.rule, b.docs, b.tokens]) } })),
  ];
  if (r.dedup) {
    const e = r.dedup.exact;
    sections.push({
      heading: 'Dedup on injected near-duplicates',
      text: `Recall and precision at Jaccard ≥ ${e.threshold} over ${e.pairs} injected pairs (${e.positives} at or above the threshold), true similarity = exact Jaccard of word 5-gram sets.`,
      table: { head: ['verification', 'recall', 'precision', 'TP', 'FP', 'FN'], rows: [r.dedup.exact, r.dedup.minhash].map((x) => [x.verify, x.recall, x.precision, x.truePositives, x.falsePositives, x.falseNegatives]) },
      svg: linePlot({
        title: 'Share of injected pairs caught, by true Jaccard', xLabel: 'exact Jaccard (bucket start)', yLabel: 'caught',
        series: [
          { name: 'exact verification', points: e.buckets.map((b) => [b.lo + 0.025, b.caught / b.pairs]) },
          { name: 'MinHash verification', points: r.dedup.minhash.buckets.map((b) => [b.lo + 0.025, b.caught / b.pairs]) },
          { name: `LSH P(candidate), ${e.bands}×${e.rows}`, points: Array.from({ length: 51 }, (_, i) => [0.3 + (0.7 * i) / 50, candidateProbability(0.3 + (0.7 * i) / 50, e.bands, e.rows)]) },
        ],
      }),
    });
  }
  if (r.quality) {
    sections.push({ heading: 'Quality classifier', table: { head: ['held-out ROC AUC', 'protocol', 'positives', 'negatives'], rows: [r.quality.heldOutDocs, r.quality.heldOutSources].filter((a) => a !== null).map((a) => [a!.auc, a!.protocol, a!.positives, a!.negatives]) } });
  }
  sections.push({ heading: 'Injected junk', table: { head: ['kind', 'injected', 'removed', 'by filter'], rows: r.junk.map((j) => [j.kind, j.injected, j.removed, JSON.stringify(j.byFilter)]) } });
  sections.push({
    heading: 'Mix',
    text: `Requested token shares ${JSON.stringify(r.mix.requested)}.${r.mix.missing.length ? ` Missing domains (dropped, weights renormalised): ${r.mix.missing.join(', ')}.` : ''}${r.mix.unweighted.length ? ` Present but unweighted: ${r.mix.unweighted.join(', ')}.` : ''}`,
    table: { head: ['domain', 'weight', 'annealing weight', 'tokens available'], rows: Object.keys(r.mix.weights).map((d) => [d, r.mix.weights[d]!, r.mix.annealing[d] ?? 0, r.mix.availableTokens[d] ?? 0]) },
  });
  return htmlReport({ title, subtitle: `${r.output.docs} documents, ${r.output.tokens} tokens after filtering`, sections });
}
