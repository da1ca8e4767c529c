// A world: one seed's knowledge base, split plan and family mix, with every generator bound to them. Everything a
// world produces is a pure function of its config and the arguments (streams are named, see seeded.ts).
import type { Rng } from '../../util/rng.js';
import type { Judgement, Prompt, Split } from './types.js';
import { parseWorldConfig, kbSizeOf, type WorldConfig } from './config.js';
import { createKb, type Kb } from './kb.js';
import { renderCorpus } from './corpus.js';
import { planSplits, type SplitPlan } from './splits.js';
import { samplePrompts, type SampleOptions } from './sample.js';
import { judge } from './judge.js';
import { degradedResponses, type Candidate } from './degrade.js';
import { annotate, DEFAULT_ANNOTATOR, type AnnotationKind, type Annotation, type AnnotatorConfig } from './annotator.js';
import { sampleDialogues, type Dialogue, type DialogueOptions } from './dialogues.js';
import { preferencePairs, type PreferenceRow } from './preferences.js';

export interface World {
  config: WorldConfig;
  kb: Kb;
  splits: SplitPlan;
  /** Pretraining documents stating the KB (default: 20 documents per entity). */
  corpus(nDocs?: number): string[];
  sample(split: Split, n: number, opts?: SampleOptions): Prompt[];
  judge(prompt: Prompt, response: string): Judgement;
  oracleResponse(prompt: Prompt): string;
  degradedResponses(prompt: Prompt, rng: Rng): Candidate[];
  annotate(prompt: Prompt, a: string, b: string, rng: Rng, cfg?: AnnotatorConfig, kind?: AnnotationKind): Annotation | null;
  preferencePairs(prompts: readonly Prompt[], rng: Rng, cfg?: AnnotatorConfig, kind?: AnnotationKind): PreferenceRow[];
  dialogues(split: Split, n: number, opts?: DialogueOptions): Dialogue[];
}

/** `cfg` is checked (unknown keys and bad values throw ConfigError); missing fields take the defaults. */
export function createWorld(cfg: Partial<WorldConfig> = {}): World {
  const config = parseWorldConfig(cfg);
  const kb = createKb(config.seed, kbSizeOf(config));
  const splits = planSplits(config);
  return {
    config,
    kb,
    splits,
    corpus: (nDocs = 20 * kb.entities.length) => renderCorpus(kb, config.seed, nDocs),
    sample: (split, n, opts) => samplePrompts(kb, splits, config.mix, split, n, opts),
    judge,
    oracleResponse: (p) => p.oracle.gold,
    degradedResponses: (p, rng) => degradedResponses(kb, p, rng),
    annotate: (p, a, b, rng, acfg = DEFAULT_ANNOTATOR, kind = 'helpfulness') => annotate(p, a, b, rng, acfg, kind),
    preferencePairs: (prompts, rng, acfg = DEFAULT_ANNOTATOR, kind = 'helpfulness') => preferencePairs(kb, prompts, rng, acfg, kind),
    dialogues: (split, n, opts) => sampleDialogues(kb, splits, split, n, opts),
  };
}
