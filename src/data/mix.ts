// The data mix (Llama 3 §3.1.2): token shares per domain, "roughly 50% general knowledge, 25% mathematical
// and reasoning, 17% code and 8% multilingual tokens", and the annealing mix of §3.4 that up-samples the
// highest-quality data for the final tokens. Domains asked for but absent from the corpus are dropped and the
// remaining weights renormalised; the plan says so, so a report never silently trains on a different mix.
import { ConfigError } from '../util/errors.js';
import type { CountTokens, Doc } from './doc.js';
import { estimateTokens } from './doc.js';

/** Llama 3 §3.1.2, as token shares. */
export const LLAMA3_MIX: Readonly<Record<string, number>> = { general: 0.5, reasoning: 0.25, code: 0.17, multilingual: 0.08 };

/** Llama 3 §3.4: annealing up-samples "data sources of very high quality"; math and code gave the gains
 * (8B GSM8K +24.0%, MATH +6.4%, §3.1.3), so those domains are doubled / raised by half before renormalising. */
export const LLAMA3_ANNEALING_UPSAMPLE: Readonly<Record<string, number>> = { reasoning: 2, code: 1.5 };

export interface MixPlan {
  /** Weights as given. */
  requested: Record<string, number>;
  /** Renormalised over the domains that have documents: the token shares the mixer aims for. */
  weights: Record<string, number>;
  /** Weighted domains without documents (dropped). */
  missing: string[];
  /** Domains with documents but no weight (never sampled). */
  unweighted: string[];
  /** Tokens available per domain (for "how many epochs of each domain a budget implies"). */
  availableTokens: Record<string, number>;
}

export function planMix(docs: readonly Doc[], requested: Readonly<Record<string, number>> = LLAMA3_MIX, countTokens: CountTokens = estimateTokens): MixPlan {
  for (const [d, w] of Object.entries(requested)) {
    if (!(Number.isFinite(w) && w >= 0)) throw new ConfigError('mix', `weights.${d}`, 'a finite number ≥ 0', String(w));
  }
  const availableTokens: Record<string, number> = {};
  for (const d of docs) availableTokens[d.domain] = (availableTokens[d.domain] ?? 0) + countTokens(d.text);
  const present = Object.entries(requested).filter(([d, w]) => w > 0 && (availableTokens[d] ?? 0) > 0);
  const total = present.reduce((a, [, w]) => a + w, 0);
  if (total === 0) {
    throw new ConfigError('mix', 'weights', `a positive weight on a domain that has documents (present: ${Object.keys(availableTokens).join(', ') || 'none'})`, JSON.stringify(requested));
  }
  return {
    requested: { ...requested },
    weights: Object.fromEntries(present.map(([d, w]) => [d, w / total])),
    missing: Object.entries(requested).filter(([d, w]) => w > 0 && !(availableTokens[d]! > 0)).map(([d]) => d),
    unweighted: Object.keys(availableTokens).filter((d) => !((requested[d] ?? 0) > 0)),
    availableTokens,
  };
}

/** The annealing weights: base weights times the up-sampling factors, renormalised. */
export function annealingWeights(base: Readonly<Record<string, number>>, upsample: Readonly<Record<string, number>> = LLAMA3_ANNEALING_UPSAMPLE): Record<string, number> {
  const raw = Object.entries(base).map(([d, w]) => [d, w * (upsample[d] ?? 1)] as const);
  const total = raw.reduce((a, [, w]) => a + w, 0);
  return Object.fromEntries(raw.map(([d, w]) => [d, total > 0 ? w / total : 0]));
}

/** The annealing corpus: within each domain whose documents carry a quality score (meta.quality, set by the
 * quality filter), only the best `topFraction`; domains without scores are kept whole. */
export function topQuality(docs: readonly Doc[], topFraction: number): Doc[] {
  if (!(topFraction > 0 && topFraction <= 1)) throw new ConfigError('annealing', 'topFraction', 'a number in (0, 1]', String(topFraction));
  const byDomain = new Map<string, Doc[]>();
  for (const d of docs) {
    const list = byDomain.get(d.domain);
    if (list) list.push(d);
    else byDomain.set(d.domain, [d]);
  }
  const keep = new Set<Doc>();
  for (const list of byDomain.values()) {
    const scored = list.filter((d) => typeof d.meta?.quality === 'number');
    if (scored.length < list.length) {
      list.forEach((d) => keep.add(d));
      continue;
    }
    const sorted = [...scored].sort((a, b) => (b.meta!.quality as number) - (a.meta!.quality as number));
    sorted.slice(0, Math.max(1, Math.ceil(sorted.length * topFraction))).forEach((d) => keep.add(d));
  }
  return docs.filter((d) => keep.has(d));
}
