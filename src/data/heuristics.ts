// Heuristic quality rules (Llama 3 §3.1.1: "duplicated n-gram coverage ratio … dirty word counting …"),
// with the thresholds of Gopher (Rae et al. 2021, Appendix A.1.1 "quality filtering"). Each rule measures one
// number per document and removes it when the number is outside the allowed range; the first failing rule is
// the reason recorded. The rules are written for English prose: by default they apply to the "general"
// domain only (code and generated math would fail symbol and alphabetic-word rules by design).
import type { CountTokens, Doc } from './doc.js';
import { estimateTokens } from './doc.js';
import { DIRTY_WORDS } from './dirty-words.js';
import { removal, type FilterStep } from './filter-step.js';
import { textStats, type TextStats } from './text-stats.js';

export interface HeuristicConfig {
  minWords: number; // Gopher: 50 ≤ words ≤ 100,000
  maxWords: number;
  minMeanWordLength: number; // Gopher: mean word length within [3, 10] characters
  maxMeanWordLength: number;
  maxSymbolToWord: number; // Gopher: (# + ellipses) / words < 0.1
  maxBulletLines: number; // Gopher: ≤ 90% of lines start with a bullet
  maxEllipsisLines: number; // Gopher: ≤ 30% of lines end with an ellipsis
  minAlphaWords: number; // Gopher: ≥ 80% of words contain a letter
  minStopWords: number; // Gopher: at least 2 of the, be, to, of, and, that, have, with
  maxDuplicateLineFraction: number; // Gopher: duplicate lines ≤ 30% of lines
  maxDuplicateLineCharFraction: number; // Gopher: characters in duplicate lines ≤ 20%
  maxTopNgramCharFraction: Record<number, number>; // Gopher: most frequent 2/3/4-gram ≤ 20/18/16% of characters
  maxDuplicateNgramCharFraction: Record<number, number>; // Gopher: duplicated 5…10-grams ≤ 15…10% of characters
  maxDirtyWordFraction: number; // dirty words / words (C4 removed a page on any one; we allow a small density)
  extraDirtyWords: string[];
  /** Domains the rules apply to; other documents pass untouched. */
  domains: string[];
}

export const HEURISTIC_DEFAULTS: HeuristicConfig = {
  minWords: 50, maxWords: 100_000, minMeanWordLength: 3, maxMeanWordLength: 10, maxSymbolToWord: 0.1,
  maxBulletLines: 0.9, maxEllipsisLines: 0.3, minAlphaWords: 0.8, minStopWords: 2,
  maxDuplicateLineFraction: 0.3, maxDuplicateLineCharFraction: 0.2,
  maxTopNgramCharFraction: { 2: 0.2, 3: 0.18, 4: 0.16 },
  maxDuplicateNgramCharFraction: { 5: 0.15, 6: 0.14, 7: 0.13, 8: 0.12, 9: 0.11, 10: 0.1 },
  maxDirtyWordFraction: 0.005, extraDirtyWords: [], domains: ['general'],
};

export interface RuleResult {
  rule: string;
  value: number;
  /** The allowed range, as text for the report ("≥ 50"). */
  allowed: string;
  pass: boolean;
}

/** Every rule's measurement for one document, in the order they are checked. */
export function evaluateRules(text: string, c: HeuristicConfig, dirty: ReadonlySet<string>): RuleResult[] {
  const s: TextStats = textStats(text, dirty);
  const r = (rule: string, value: number, allowed: string, pass: boolean): RuleResult => ({ rule, value, allowed, pass });
  const out = [
    r('min-words', s.words, `≥ ${c.minWords}`, s.words >= c.minWords),
    r('max-words', s.words, `≤ ${c.maxWords}`, s.words <= c.maxWords),
    r('mean-word-length', s.meanWordLength, `${c.minMeanWordLength}–${c.maxMeanWordLength}`, s.meanWordLength >= c.minMeanWordLength && s.meanWordLength <= c.maxMeanWordLength),
    r('symbol-to-word', s.symbolToWord, `< ${c.maxSymbolToWord}`, s.symbolToWord < c.maxSymbolToWord),
    r('bullet-lines', s.bulletLineFraction, `≤ ${c.maxBulletLines}`, s.bulletLineFraction <= c.maxBulletLines),
    r('ellipsis-lines', s.ellipsisLineFraction, `≤ ${c.maxEllipsisLines}`, s.ellipsisLineFraction <= c.maxEllipsisLines),
    r('alpha-words', s.alphaWordFraction, `≥ ${c.minAlphaWords}`, s.alphaWordFraction >= c.minAlphaWords),
    r('stop-words', s.stopWords, `≥ ${c.minStopWords}`, s.stopWords >= c.minStopWords),
    r('duplicate-lines', s.duplicateLineFraction, `≤ ${c.maxDuplicateLineFraction}`, s.duplicateLineFraction <= c.maxDuplicateLineFraction),
    r('duplicate-line-chars', s.duplicateLineCharFraction, `≤ ${c.maxDuplicateLineCharFraction}`, s.duplicateLineCharFraction <= c.maxDuplicateLineCharFraction),
  ];
  for (const [n, max] of Object.entries(c.maxTopNgramCharFraction)) {
    const v = s.topNgramCharFraction(Number(n));
    out.push(r(`top-${n}gram-chars`, v, `≤ ${max}`, v <= max));
  }
  for (const [n, max] of Object.entries(c.maxDuplicateNgramCharFraction)) {
    const v = s.duplicateNgramCharFraction(Number(n));
    out.push(r(`duplicate-${n}gram-chars`, v, `≤ ${max}`, v <= max));
  }
  out.push(r('dirty-words', s.dirtyWordFraction, `≤ ${c.maxDirtyWordFraction}`, s.dirtyWordFraction <= c.maxDirtyWordFraction));
  return out;
}

/** The first rule a document fails, or null when it passes them all. */
export function firstFailure(text: string, c: HeuristicConfig, dirty: ReadonlySet<string>): RuleResult | null {
  return evaluateRules(text, c, dirty).find((r) => !r.pass) ?? null;
}

export function heuristicFilter(docs: readonly Doc[], config: Partial<HeuristicConfig> = {}, countTokens: CountTokens = estimateTokens): FilterStep {
  const c = { ...HEURISTIC_DEFAULTS, ...config };
  const dirty = new Set([...DIRTY_WORDS, ...c.extraDirtyWords].map((w) => w.toLowerCase()));
  const domains = new Set(c.domains);
  const kept: Doc[] = [];
  const removed = [];
  for (const d of docs) {
    const fail = domains.has(d.domain) ? firstFailure(d.text, c, dirty) : null;
    if (fail === null) kept.push(d);
    else removed.push(removal(d, 'heuristics', fail.rule, `${fail.rule} = ${round(fail.value)}, allowed ${fail.allowed}`, countTokens));
  }
  return { filter: 'heuristics', kept, removed, trimmedTokens: 0, details: { domains: c.domains, rules: summary(c) } };
}

const round = (v: number) => (Number.isInteger(v) ? v : Number(v.toFixed(4)));

function summary(c: HeuristicConfig): Record<string, unknown> {
  const { domains: _d, extraDirtyWords, ...thresholds } = c;
  return { ...thresholds, dirtyWords: DIRTY_WORDS.length + extraDirtyWords.length };
}
