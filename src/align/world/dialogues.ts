// Multi-turn dialogues under a system instruction, for Ghost Attention (Llama 2 §3.3): up to 20 user turns of
// world tasks, each with its check and a gold answer that keeps every constraint. Adherence per turn is the
// Table 30 measurement ("attribute recall at turn 2/4/6/20"); judgeTurn scores one model answer at one turn.
import { ConfigError } from '../../util/errors.js';
import type { Check, Constraint, Difficulty, Judgement, Message, Split } from './types.js';
import type { Kb } from './kb.js';
import type { SplitPlan } from './splits.js';
import { applyConstraints, instruction as fullText, randomConstraints, shortInstruction } from './constraints.js';
import { CONSTRAINT_FAMILIES, drawInstance, taskWeights } from './sample.js';
import { DEFAULT_MIX } from './config.js';
import { judgeAgainst } from './judge.js';
import { rngFor } from './seeded.js';

export interface DialogueTurn {
  task: string;
  user: string;
  check: Check;
  /** Gold answer with the constraints applied. */
  gold: string;
  plainGold: string;
}

export interface Dialogue {
  id: string;
  constraints: Constraint[];
  /** The system message used in `messages` (the full or, half the time, the short form; Llama 2 App. A.3.5). */
  instruction: string;
  fullInstruction: string;
  shortInstruction: string;
  turns: DialogueTurn[];
  /** system, then user / assistant (gold) alternating. */
  messages: Message[];
}

export interface DialogueOptions {
  turns?: number;
  maxConstraints?: number;
  stream?: string;
  /** Task levels for the turns; default 1 and 2, so 20 turns stay within ~500 tokens of a 4K-vocabulary BPE. */
  difficulties?: readonly Difficulty[];
}

export function sampleDialogues(kb: Kb, plan: SplitPlan, split: Split, n: number, opts: DialogueOptions = {}): Dialogue[] {
  const nTurns = opts.turns ?? 20;
  const stream = opts.stream ?? '0';
  const rng = rngFor(plan.seed, `dialogues|${split}|${stream}`);
  const mix = Object.fromEntries(CONSTRAINT_FAMILIES.map((f) => [f, DEFAULT_MIX[f]]));
  const difficulties = opts.difficulties ?? [1, 2];
  const { tasks, weights } = taskWeights(plan, split, DEFAULT_MIX, { mix, difficulties });
  const out: Dialogue[] = [];
  for (let i = 0; i < n; i++) {
    const constraints = randomConstraints(rng, 1 + rng.int(opts.maxConstraints ?? 2));
    const full = constraints.map(fullText).join(' ');
    const short = constraints.map(shortInstruction).join(' ');
    const system = rng.uniform() < 0.5 ? full : short;
    const turns: DialogueTurn[] = Array.from({ length: nTurns }, () => {
      const d = drawInstance(kb, plan, split, rng, tasks, weights, difficulties);
      return { task: d.task.id, user: d.instance.user, check: d.instance.check, gold: applyConstraints(constraints, d.instance.gold), plainGold: d.instance.gold };
    });
    const messages: Message[] = [{ role: 'system', content: system }];
    for (const t of turns) messages.push({ role: 'user', content: t.user }, { role: 'assistant', content: t.gold });
    out.push({ id: `dialogue-${split}-${stream}-${String(i).padStart(5, '0')}`, constraints, instruction: system, fullInstruction: full, shortInstruction: short, turns, messages });
  }
  return out;
}

/** Judges a model's answer at turn `turn` (0-based): content of that turn's task and every system constraint. */
export function judgeTurn(dialogue: Pick<Dialogue, 'constraints' | 'turns'>, turn: number, response: string): Judgement {
  const t = dialogue.turns[turn];
  if (!t) throw new ConfigError('judgeTurn', 'turn', `an index in 0..${dialogue.turns.length - 1}`, String(turn));
  return judgeAgainst(t.check, false, dialogue.constraints, response);
}
