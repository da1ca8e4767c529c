// Orca-style explanation tuning (recipe §13; Mukherjee et al. 2023): prompts paired with a system message that
// asks for step-by-step explanations, answered by a stronger teacher, so the student imitates the reasoning
// trace rather than the bare answer. The teacher is the world's oracle (its explanation traces: the strongest
// teacher there is) or a larger llamats model that answers the same system + prompt.
import type { Rng } from '../../util/rng.js';
import { orcaExample, type ChatExample, type Prompt } from '../world/index.js';

/**
 * A teacher answers Orca prompts: `messages` are the system message demanding an explanation and the user turn,
 * and it returns one answer per prompt.
 */
export type OrcaTeacher = (items: readonly { prompt: Prompt; messages: ChatExample['messages'] }[]) => string[];

/**
 * Orca demonstrations: the world's Orca system messages, answered by `teacher`, or by default by the oracle's
 * explanation traces (ending "So the answer is …", system constraints applied).
 */
export function orcaExamples(prompts: readonly Prompt[], rng: Rng, teacher?: OrcaTeacher): ChatExample[] {
  const oracle = prompts.map((p) => orcaExample(p, rng));
  if (!teacher) return oracle;
  const items = oracle.map((ex, i) => ({ prompt: prompts[i]!, messages: ex.messages.slice(0, -1) }));
  const answers = teacher(items);
  return items.map((it, i) => ({ id: prompts[i]!.id, messages: [...it.messages, { role: 'assistant' as const, content: answers[i]! }] }));
}
