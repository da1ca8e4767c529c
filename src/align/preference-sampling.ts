// On-policy preference data for a DPO round (Llama 3 §4.2.1): responses sampled from the latest model, two of them
// shown to an annotator (the world's simulated annotators, annotator.ts), who picks one and rates the gap; only
// "significantly better" and "better" pairs are kept (Llama 3 keeps the clearer ratings). Which two of the n samples
// the annotator sees: the reward model's top and bottom when a scorer is given (the most informative pair for the
// annotator's time), else the first two distinct samples. With `edited`, the annotator's edit (the world's gold)
// adds an (edited, chosen) pair — Llama 3's edited > chosen > rejected; the report says whether it was used.
import { z } from 'zod';
import type { Llama } from '../model/llama.js';
import type { Tokenizer } from '../tokenizer/types.js';
import type { ChatTemplateName } from '../tokenizer/chat-templates.js';
import type { Rng } from '../util/rng.js';
import { annotate, DEFAULT_ANNOTATOR, type AnnotationKind, type AnnotatorConfig, type Prompt, type Rating } from './world/index.js';
import { greedyAnswers, samplePolicy } from './sampling.js';
import { scoreResponses, type RewardScorer } from './reward-scorer.js';
import type { TextPair } from './dpo.js';
import { samplingSchema } from './stage-config.js';

export const PreferenceSamplingSchema = z.strictObject({
  /** Responses sampled per prompt (≥ 2); Llama 3 shows annotators two (sometimes three) responses. */
  n: z.number().int().min(2).default(4),
  sampling: samplingSchema({ temperature: 1.0, topP: 1.0, maxTokens: 64 }),
  /** Ratings kept (Llama 3 §4.2.1 / §4.1.2: "significantly better" and "better"). */
  keep: z.array(z.enum(['significantly_better', 'better', 'slightly_better', 'negligibly_better'])).min(1).default(['significantly_better', 'better']),
  /**
   * Which samples the annotators compare: 'rm-extremes' = the RM's top and bottom (one pair per prompt; needs a
   * scorer, else the first two distinct samples), 'disjoint' = consecutive disjoint pairs of distinct samples
   * (n = 8 → up to 4 annotations per prompt: more labels per sampled prompt, none chosen by the RM),
   * 'greedy' = the model's greedy answer (temperature 0: what it says when evaluated or deployed) against each
   * distinct sample (up to n annotations per prompt; Llama 3 §4.2.1 shows annotators responses of different
   * models and sampling settings). A sample rated better than the greedy answer moves probability away from the
   * greedy answer where it is wrong; a greedy answer rated better reinforces it where it is right.
   */
  pairing: z.enum(['rm-extremes', 'disjoint', 'greedy']).default('rm-extremes'),
  /** Add the annotator's edited response (the gold) as a pair over the chosen one. */
  edited: z.boolean().default(false),
  seed: z.number().int().min(0).default(1),
});
export type PreferenceSamplingConfig = z.infer<typeof PreferenceSamplingSchema>;

export interface SampledPair extends TextPair {
  promptId: string;
  rating: Rating;
  /** Judge helpfulness of chosen and rejected (the truth behind the annotation; for the report). */
  scores: { chosen: number; rejected: number };
  agreesWithJudge: boolean;
  source: 'sampled' | 'edited';
}

export interface PreferenceSamplingReport {
  prompts: number;
  /** Prompts whose samples were all identical (nothing to compare) or that did not fit the context. */
  noPair: number;
  annotated: number;
  kept: number;
  edited: number;
  /** Share of kept sampled pairs whose chosen response the judge also prefers (label quality). */
  agreement: number;
  byRating: Record<Rating, number>;
}

export function samplePreferencePairs(cfg: PreferenceSamplingConfig, model: Llama, tok: Tokenizer, prompts: readonly Prompt[], rng: Rng, opts: { scorer?: RewardScorer; template?: ChatTemplateName | undefined; annotator?: AnnotatorConfig; kind?: AnnotationKind } = {}): { pairs: SampledPair[]; report: PreferenceSamplingReport } {
  const drawn = samplePolicy(model, tok, prompts.map((p) => p.messages), { n: cfg.n, ...cfg.sampling, seed: cfg.seed, template: opts.template });
  const greedy = cfg.pairing === 'greedy' ? greedyAnswers(model, tok, prompts.map((p) => p.messages), cfg.sampling.maxTokens, opts.template) : null;
  const pairs: SampledPair[] = [];
  const byRating: Record<Rating, number> = { significantly_better: 0, better: 0, slightly_better: 0, negligibly_better: 0 };
  let noPair = 0;
  let annotated = 0;
  let edited = 0;
  drawn.forEach((d, i) => {
    const prompt = prompts[i]!;
    const texts = d ? [...new Set([...(greedy && greedy[i] ? [greedy[i]!] : []), ...d.samples.map((s) => s.text.trim())])] : [];
    if (texts.length < 2 || (greedy && !greedy[i])) { noPair++; return; }
    const candidates: [string, string][] = [];
    if (cfg.pairing === 'greedy') {
      // texts[0] is the greedy answer; shown in a random position.
      for (let j = 1; j < texts.length; j++) candidates.push(rng.uniform() < 0.5 ? [texts[0]!, texts[j]!] : [texts[j]!, texts[0]!]);
    } else if (cfg.pairing === 'disjoint') {
      for (let j = 0; j + 1 < texts.length; j += 2) candidates.push([texts[j]!, texts[j + 1]!]);
    } else {
      let [a, b] = [texts[0]!, texts[1]!];
      if (opts.scorer) {
        const r = scoreResponses(opts.scorer, texts.map((response) => ({ prompt, response }))).combined;
        let hi = 0;
        let lo = 0;
        for (let j = 1; j < texts.length; j++) {
          if (r[j]! > r[hi]!) hi = j;
          if (r[j]! < r[lo]!) lo = j;
        }
        if (hi !== lo) [a, b] = rng.uniform() < 0.5 ? [texts[hi]!, texts[lo]!] : [texts[lo]!, texts[hi]!];
      }
      candidates.push([a, b]);
    }
    for (const [a, b] of candidates) {
      const ann = annotate(prompt, a, b, rng, opts.annotator ?? DEFAULT_ANNOTATOR, opts.kind ?? 'helpfulness');
      if (!ann) continue;
      annotated++;
      byRating[ann.rating]++;
      if (!cfg.keep.includes(ann.rating)) continue;
      pairs.push({ promptId: prompt.id, prompt: prompt.messages, chosen: ann.chosen, rejected: ann.rejected, rating: ann.rating, scores: ann.scores, agreesWithJudge: ann.agreesWithJudge, source: 'sampled' });
      if (cfg.edited && ann.edited !== undefined) {
        edited++;
        pairs.push({ promptId: prompt.id, prompt: prompt.messages, chosen: ann.edited, rejected: ann.chosen, rating: 'better', scores: { chosen: 1, rejected: ann.scores.chosen }, agreesWithJudge: true, source: 'edited' });
      }
    }
  });
  const sampled = pairs.filter((p) => p.source === 'sampled');
  return {
    pairs,
    report: {
      prompts: prompts.length, noPair, annotated, kept: sampled.length, edited, byRating,
      agreement: sampled.length ? sampled.filter((p) => p.agreesWithJudge).length / sampled.length : 0,
    },
  };
}
