// What every filter returns: the documents it kept and, for each document it removed, which rule removed it
// and how many tokens went with it, so the report can say "line dedup removed 3.1% of tokens, mostly mailing
// list footers" (Llama 3 §3.1.1 is a chain of such steps).
import type { CountTokens, Doc } from './doc.js';

export interface Removal {
  id: string;
  source: string;
  domain: string;
  /** The filter's name ("minhash-dedup", "line-dedup", "heuristics", "quality"). */
  filter: string;
  /** The rule, short and stable for grouping ("near-duplicate", "min-words", "quality < 0.5"). */
  rule: string;
  /** Human-readable detail ("Jaccard 0.91 with sotu/1990_george_bush_r"). */
  detail: string;
  tokens: number;
}

export interface FilterStep {
  filter: string;
  kept: Doc[];
  removed: Removal[];
  /** Tokens cut out of documents that were kept (line dedup trims lines, other filters do not). */
  trimmedTokens: number;
  /** Filter-specific numbers for the report (candidate pairs, lines removed, thresholds in force). */
  details: Record<string, unknown>;
}

export function removal(doc: Doc, filter: string, rule: string, detail: string, countTokens: CountTokens): Removal {
  return { id: doc.id, source: doc.source, domain: doc.domain, filter, rule, detail, tokens: countTokens(doc.text) };
}
