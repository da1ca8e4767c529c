// The shape of a task (sub-family): it draws one instance of graded difficulty in a given phrasing, with the check
// the judge needs, the gold answer and an Orca-style explanation. The sampler (sample.ts) chooses task,
// difficulty and phrasing, and decides train / held-out from the instance key.
import type { Rng } from '../../../util/rng.js';
import type { Kb } from '../kb.js';
import type { Check, Difficulty, Family, SafetyCategory } from '../types.js';

export interface Instance {
  /** Content identity without the phrasing: equal keys are the same question (split and dedup use it). */
  key: string;
  user: string;
  /** Alpaca split; absent = the whole user text is the instruction. */
  alpaca?: { instruction: string; input: string };
  check: Check;
  gold: string;
  /** Steps ending in "So the answer is …" (Orca, for tasks where the gold is not already the reasoning). */
  explanation: string;
  unsafe?: boolean;
  borderline?: boolean;
  category?: SafetyCategory;
  attack?: string;
}

export interface TaskSpec {
  /** "family.name" */
  id: string;
  family: Family;
  difficulties: readonly Difficulty[];
  /** Number of phrasings; `generate` is called with template ∈ [0, templates). */
  templates: number;
  generate(kb: Kb, rng: Rng, difficulty: Difficulty, template: number): Instance;
}

/** "So the answer is X." closes every explanation, so the judge reads the conclusion (text.ts answerSpan). */
export function explain(steps: readonly string[], answer: string): string {
  return [...steps, `So the answer is ${answer}.`].join(' ');
}
