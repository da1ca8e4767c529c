// Preference pairs before any model exists: two different responses per prompt from the graded candidates of
// degrade.ts, annotated by the simulated annotators. Rows follow TRL's conversational preference format
// (prompt / chosen / rejected as message lists) plus the Llama 2 rating, the safety bin and, for the Llama 3
// ranking, the edited response.
import type { Rng } from '../../util/rng.js';
import type { Message, Prompt } from './types.js';
import type { Kb } from './kb.js';
import { annotate, type AnnotationKind, type AnnotatorConfig, type Rating, type SafetyBin } from './annotator.js';
import { degradedResponses } from './degrade.js';
import { judge } from './judge.js';

export interface PreferenceRow {
  id: string;
  /** Which annotation produced the row (Llama 2 collected helpfulness and safety separately). */
  kind: AnnotationKind;
  promptId: string;
  task: string;
  prompt: Message[];
  chosen: Message[];
  rejected: Message[];
  rating: Rating;
  annotator: number;
  /** Judge helpfulness of chosen and rejected. */
  scores: { chosen: number; rejected: number };
  agreesWithJudge: boolean;
  /** Safety annotation only (Llama 2 §3.2.1 bins). */
  safety?: { chosenSafe: boolean; rejectedSafe: boolean; bin: SafetyBin };
  /** Llama 3 §4.2.1: edited > chosen > rejected. */
  edited?: Message[];
}

const assistant = (content: string): Message[] => [{ role: 'assistant', content }];

/**
 * Two of the prompt's candidates whose judged gap falls in a rating bucket drawn uniformly, so that every rating
 * level is well represented (uniformly random pairs are mostly "significantly better": gold against a refusal).
 * Falls back to a uniformly random pair when the drawn bucket has none.
 */
export function pickPair(prompt: Prompt, responses: readonly string[], rng: Rng, cfg: AnnotatorConfig): [string, string] {
  const scores = responses.map((r) => judge(prompt, r).helpfulness);
  const bucket = rng.int(4);
  const [t0, t1, t2] = cfg.thresholds;
  const bounds = [[t0, Infinity], [t1, t0], [t2, t1], [0, t2]][bucket]!;
  const inBucket: [number, number][] = [];
  for (let i = 0; i < responses.length; i++) {
    for (let j = i + 1; j < responses.length; j++) {
      const gap = Math.abs(scores[i]! - scores[j]!);
      if (gap >= bounds[0]! && gap < bounds[1]!) inBucket.push(rng.uniform() < 0.5 ? [i, j] : [j, i]);
    }
  }
  const [i, j] = inBucket.length > 0 ? rng.pick(inBucket) : [0, 1];
  return [responses[i]!, responses[j]!];
}

/** One annotated pair per prompt (prompts whose pair is dropped by the safety rule give none). */
export function preferencePairs(kb: Kb, prompts: readonly Prompt[], rng: Rng, cfg: AnnotatorConfig, kind: AnnotationKind): PreferenceRow[] {
  const rows: PreferenceRow[] = [];
  for (const p of prompts) {
    const cands = rng.shuffle(degradedResponses(kb, p, rng));
    if (cands.length < 2) continue;
    const [a, b] = pickPair(p, cands.map((c) => c.response), rng, cfg);
    const ann = annotate(p, a, b, rng, cfg, kind);
    if (ann === null) continue;
    rows.push({
      id: `${kind}-${p.id}`,
      kind,
      promptId: p.id,
      task: p.task,
      prompt: p.messages,
      chosen: assistant(ann.chosen),
      rejected: assistant(ann.rejected),
      rating: ann.rating,
      annotator: ann.annotator,
      scores: ann.scores,
      agreesWithJudge: ann.agreesWithJudge,
      ...(ann.safety ? { safety: ann.safety } : {}),
      ...(ann.edited === undefined ? {} : { edited: assistant(ann.edited) }),
    });
  }
  return rows;
}
