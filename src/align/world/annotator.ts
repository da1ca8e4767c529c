// Simulated annotators. An annotator perceives each response's judged score through Gaussian noise plus a
// personal length bias, sometimes disagrees outright (a coin flip), picks the response it perceives as better,
// and rates the perceived gap on the Llama 2 four-level scale (§3.2.1): significantly better, better, slightly
// better, negligibly better / unsure. Near-ties are therefore rated "negligibly" and are often mislabelled, which
// is exactly why reward-model accuracy falls from "significantly" to "negligibly" (Llama 2 Table 8).
//
// Safety annotation (Llama 2 §3.2.1) also labels each response safe or not; the pair lands in one of three bins
// and a pair whose chosen response is unsafe while the other is safe is dropped. The Llama 3 ranking (§4.2.1)
// adds an "edited" response — the gold — that ranks above the chosen one: edited > chosen > rejected.
import { Rng } from '../../util/rng.js';
import { ConfigError } from '../../util/errors.js';
import type { Judgement, Prompt } from './types.js';
import { judge } from './judge.js';
import { countWords } from './text.js';
import { hash32 } from './seeded.js';

export const RATINGS = ['significantly_better', 'better', 'slightly_better', 'negligibly_better'] as const;
export type Rating = (typeof RATINGS)[number];

export type SafetyBin = 'chosen_safe_other_unsafe' | 'both_safe' | 'both_unsafe';

export interface AnnotatorConfig {
  /** σ of the Gaussian noise on each perceived score. */
  noise: number;
  /** Size of the annotator pool; each annotator has its own length bias. */
  annotators: number;
  /** σ across annotators of the bias per log-word of length (> 0: likes long answers). */
  lengthBias: number;
  /** Probability that an annotator's choice is a coin flip (inter-annotator disagreement). */
  disagreement: number;
  /** Perceived-gap cut points for significantly / better / slightly better (descending). */
  thresholds: readonly [number, number, number];
  /** Probability of editing the chosen response into the gold when the gold is better (Llama 3 §4.2.1). */
  editRate: number;
}

export const DEFAULT_ANNOTATOR: AnnotatorConfig = {
  noise: 0.1,
  annotators: 8,
  lengthBias: 0.02,
  disagreement: 0.05,
  thresholds: [0.5, 0.25, 0.1],
  editRate: 0.5,
};

export interface Annotation {
  chosen: string;
  rejected: string;
  rating: Rating;
  annotator: number;
  /** The judge's helpfulness of each (the truth the annotator saw through noise). */
  scores: { chosen: number; rejected: number };
  perceivedGap: number;
  /** Whether the chosen response is at least as good by the judge. */
  agreesWithJudge: boolean;
  /** Safety annotation only. */
  safety?: { chosenSafe: boolean; rejectedSafe: boolean; bin: SafetyBin };
  /** The gold, when the annotator edited the chosen response (ranking edited > chosen > rejected). */
  edited?: string;
}

export type AnnotationKind = 'helpfulness' | 'safety';

export function checkAnnotatorConfig(cfg: AnnotatorConfig, source = 'annotator config'): AnnotatorConfig {
  const [t0, t1, t2] = cfg.thresholds;
  const fail = (field: string, expected: string, got: unknown) => { throw new ConfigError(source, field, expected, JSON.stringify(got)); };
  if (!(cfg.noise >= 0)) fail('noise', 'a number ≥ 0', cfg.noise);
  if (!(Number.isInteger(cfg.annotators) && cfg.annotators >= 1)) fail('annotators', 'an integer ≥ 1', cfg.annotators);
  if (!(cfg.lengthBias >= 0)) fail('lengthBias', 'a number ≥ 0', cfg.lengthBias);
  if (!(cfg.disagreement >= 0 && cfg.disagreement <= 1)) fail('disagreement', 'a probability in [0, 1]', cfg.disagreement);
  if (!(cfg.editRate >= 0 && cfg.editRate <= 1)) fail('editRate', 'a probability in [0, 1]', cfg.editRate);
  if (!(t0 > t1 && t1 > t2 && t2 >= 0)) fail('thresholds', 'three descending numbers ≥ 0', cfg.thresholds);
  return cfg;
}

/** Annotator `i`'s length bias: fixed per annotator (not per call), from its own stream. */
export function annotatorBias(cfg: AnnotatorConfig, i: number): number {
  return cfg.lengthBias * new Rng(hash32(0, `annotator|${i}`)).normal();
}

export function ratingOf(gap: number, thresholds: AnnotatorConfig['thresholds']): Rating {
  return gap >= thresholds[0] ? 'significantly_better' : gap >= thresholds[1] ? 'better' : gap >= thresholds[2] ? 'slightly_better' : 'negligibly_better';
}

/**
 * One annotation of responses `a` and `b` to `prompt`. Returns null when a safety annotation prefers an unsafe
 * response over a safe one (such pairs are dropped, Llama 2 §3.2.1). With noise, bias and disagreement all 0
 * the choice and the rating do not depend on `rng`: the judge's better response is chosen (ties: `a`).
 */
export function annotate(prompt: Prompt, a: string, b: string, rng: Rng, cfg: AnnotatorConfig = DEFAULT_ANNOTATOR, kind: AnnotationKind = 'helpfulness'): Annotation | null {
  const ja = judge(prompt, a);
  const jb = judge(prompt, b);
  const annotator = rng.int(cfg.annotators);
  const bias = annotatorBias(cfg, annotator);
  const perceive = (j: Judgement, text: string) => j.helpfulness + bias * Math.log1p(countWords(text)) + cfg.noise * rng.normal();
  const pa = perceive(ja, a);
  const pb = perceive(jb, b);
  let pickA = pa >= pb;
  if (cfg.disagreement > 0 && rng.uniform() < cfg.disagreement) pickA = rng.uniform() < 0.5;
  const [chosen, rejected, jc, jr] = pickA ? [a, b, ja, jb] : [b, a, jb, ja];
  const out: Annotation = {
    chosen,
    rejected,
    rating: ratingOf(Math.abs(pa - pb), cfg.thresholds),
    annotator,
    scores: { chosen: jc.helpfulness, rejected: jr.helpfulness },
    perceivedGap: Math.abs(pa - pb),
    agreesWithJudge: jc.helpfulness >= jr.helpfulness,
  };
  if (kind === 'safety') {
    if (!jc.safe && jr.safe) return null;
    out.safety = { chosenSafe: jc.safe, rejectedSafe: jr.safe, bin: jc.safe && !jr.safe ? 'chosen_safe_other_unsafe' : jc.safe ? 'both_safe' : 'both_unsafe' };
  }
  const gold = prompt.oracle.gold;
  if (cfg.editRate > 0 && chosen !== gold && judge(prompt, gold).helpfulness > jc.helpfulness && rng.uniform() < cfg.editRate) out.edited = gold;
  return out;
}
