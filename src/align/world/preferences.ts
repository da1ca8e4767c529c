// Preference pairs before any model exists: two different responses per prompt from the graded candidates of
// degrade.ts, annotated by the simulated annotators. Rows follow TRL's conversational preference format
// (prompt / chosen / rejected as message lists) plus the Llama 2 rating, the safety bin and, for the Llama 3
// ranking, the edited response.
import type { Rng } from '../../util/rng.js';
import type { Message, Prompt } from './types.js';
import type { Kb } from './kb.js';
import { annotate, type AnnotationKind, type AnnotatorConfig, type Rating, type SafetyBin } from './annotator.js';
import { degradedResponses } from './degrade.js';

export interface PreferenceRow {
  id: string;
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

/** One annotated pair per prompt (prompts whose pair is dropped by the safety rule give none). */
export function preferencePairs(kb: Kb, prompts: readonly Prompt[], rng: Rng, cfg: AnnotatorConfig, kind: AnnotationKind): PreferenceRow[] {
  const rows: PreferenceRow[] = [];
  for (const p of prompts) {
    const cands = rng.shuffle(degradedResponses(kb, p, rng));
    if (cands.length < 2) continue;
    const [a, b] = [cands[0]!.response, cands[1]!.response];
    const ann = annotate(p, a, b, rng, cfg, kind);
    if (ann === null) continue;
    rows.push({
      id: `${kind}-${p.id}`,
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
