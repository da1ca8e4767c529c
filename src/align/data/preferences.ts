// Reward-model data (Llama 2 §3.2.1–3.2.2, Llama 3 §4.1.2, §4.2.1; docs/llama-recipe.md §7): the world's
// annotated preference pairs drawn per annotation kind, the Llama 2 data mixes, and rows turned into ranked
// groups of token sequences for collateRanked.
import type { ChatTemplateName } from '../../tokenizer/chat-templates.js';
import type { Tokenizer } from '../../tokenizer/types.js';
import type { Rng } from '../../util/rng.js';
import { MARGINS } from '../losses/margin-ranking.js';
import type { RankedGroup } from '../collate.js';
import { rewardSequence } from '../reward.js';
import type { AnnotatorConfig, Family, PreferenceRow, Rating, Split, World } from '../world/index.js';

/**
 * Llama 2 (§3.2.2): −log σ(r_c − r_r − m(rating)) with a margin table of Table 27 ('none' is the plain binary
 * ranking loss). Llama 3 (§4.1.2): no margin, and rows with an edited response rank three: edited > chosen > rejected.
 */
export type RankingObjective = { kind: 'margin'; margins: keyof typeof MARGINS } | { kind: 'ranking' };

/**
 * Annotated pairs on `n` prompts of a split. Helpfulness annotation runs on ordinary prompts (the safety family
 * left out), safety annotation on the safety family (unsafe requests and their borderline look-alikes), as the
 * world's dataset writer does (Llama 2 §3.2.1 collected the two separately).
 */
export function worldPairs(world: World, split: Split, kind: 'helpfulness' | 'safety', n: number, rng: Rng, annotator: AnnotatorConfig, opts: { stream: string; systemRate?: number }): PreferenceRow[] {
  const mix: Partial<Record<Family, number>> = kind === 'safety' ? { safety: 1 } : { ...world.config.mix, safety: 0 };
  const prompts = world.sample(split, n, { stream: opts.stream, mix, ...(kind === 'helpfulness' ? { systemRate: opts.systemRate ?? 0 } : {}) });
  return world.preferencePairs(prompts, rng, annotator, kind);
}

/**
 * The Llama 2 mixes (§3.2.2): the helpfulness RM trains on all helpfulness pairs plus an equal number drawn
 * uniformly from the safety pairs; the safety RM on all safety pairs plus helpfulness pairs making up 10%
 * (safety : helpfulness = 90 : 10). Returned shuffled.
 */
export function llama2Mix(kind: 'helpfulness' | 'safety', helpful: readonly PreferenceRow[], safety: readonly PreferenceRow[], rng: Rng): PreferenceRow[] {
  const draw = (rows: readonly PreferenceRow[], n: number) => rng.shuffle(rows.slice()).slice(0, Math.min(n, rows.length));
  const mixed = kind === 'helpfulness'
    ? [...helpful, ...draw(safety, helpful.length)]
    : [...safety, ...draw(helpful, Math.round(safety.length / 9))];
  return rng.shuffle(mixed);
}

/** Llama 3 §4.1.2: only pairs rated "significantly better" or "better" are kept for reward modelling. */
export function llama3Filter(rows: readonly PreferenceRow[]): PreferenceRow[] {
  const keep: readonly Rating[] = ['significantly_better', 'better'];
  return rows.filter((r) => keep.includes(r.rating));
}

/** A preference row as a ranked group of token sequences (prompt + each response). */
export function rankedGroup(tok: Tokenizer, row: PreferenceRow, objective: RankingObjective, template: ChatTemplateName): RankedGroup {
  const seq = (response: { content: string }[]) => rewardSequence(tok, row.prompt, response.at(-1)!.content, template);
  if (objective.kind === 'margin') return { sequences: [seq(row.chosen), seq(row.rejected)], margin: MARGINS[objective.margins][row.rating] };
  const ranked = row.edited ? [row.edited, row.chosen, row.rejected] : [row.chosen, row.rejected];
  return { sequences: ranked.map(seq), margin: 0 };
}
