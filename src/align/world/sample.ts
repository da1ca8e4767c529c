// Drawing prompts: family by the mix, task uniformly within the family, difficulty uniformly among the task's
// levels, phrasing among those the split allows, then an instance whose key falls in the split. A generic frame
// ("Question: …") varies the surface further, and an optional system prompt adds checkable constraints
// (Llama 2 §3.3) to families whose answers survive them.
import type { Rng } from '../../util/rng.js';
import { ConfigError } from '../../util/errors.js';
import type { Kb } from './kb.js';
import type { Constraint, Difficulty, Family, Message, Prompt, Split } from './types.js';
import { FAMILIES } from './types.js';
import type { Instance, TaskSpec } from './tasks/task.js';
import { isHeldOutTemplate, splitOfKey, tasksFor, templatesFor, type SplitPlan } from './splits.js';
import { applyConstraints, randomConstraints, systemText } from './constraints.js';
import { pickWeighted, rngFor } from './seeded.js';

export interface SampleOptions {
  /** Name of an independent stream: the same (split, stream, n) always gives the same prompts. Default "0". */
  stream?: string;
  /** Family weights (default: the world's mix). */
  mix?: Partial<Record<Family, number>>;
  /** Restrict to these task ids. */
  tasks?: readonly string[];
  difficulties?: readonly Difficulty[];
  /** Probability that a prompt of a constraint-friendly family gets a system prompt with 1..maxConstraints constraints. */
  systemRate?: number;
  maxConstraints?: number;
}

/** Families whose judges read answers through system-constraint decorations (case-insensitive, free text). */
export const CONSTRAINT_FAMILIES: readonly Family[] = ['facts', 'arithmetic', 'lists'];

const FRAMES = ['{q}', '{q}', '{q}', '{q}', 'Question: {q}', 'Please answer this. {q}', 'Can you help me? {q}'] as const;

export interface Drawn {
  task: TaskSpec;
  difficulty: Difficulty;
  template: number;
  instance: Instance;
}

/** One instance of `task` in the split (level and phrasing drawn too), or null if none turns up in 200 draws. */
export function drawFromTask(kb: Kb, plan: SplitPlan, split: Split, rng: Rng, task: TaskSpec, difficulties?: readonly Difficulty[]): Drawn | null {
  const levels = task.difficulties.filter((d) => !difficulties || difficulties.includes(d));
  const difficulty = rng.pick(levels);
  const template = rng.pick(templatesFor(plan, split, task));
  const wholeTaskHeldOut = plan.heldOutTasks.has(task.id);
  for (let i = 0; i < 200; i++) {
    const instance = task.generate(kb, rng, difficulty, template);
    if (wholeTaskHeldOut || splitOfKey(plan, instance.key) === split) return { task, difficulty, template, instance };
  }
  return null;
}

/** One instance of the split from a task drawn by weight. */
export function drawInstance(kb: Kb, plan: SplitPlan, split: Split, rng: Rng, tasks: readonly TaskSpec[], weights: readonly number[], difficulties?: readonly Difficulty[]): Drawn {
  for (let attempt = 0; attempt < 50; attempt++) {
    const d = drawFromTask(kb, plan, split, rng, tasks[pickWeighted(rng, weights)]!, difficulties);
    if (d) return d;
  }
  throw new ConfigError('world sample', 'split', `tasks with instances in the ${split} split`, 'none found after 50 tasks × 200 draws (heldOutFraction too small?)');
}

/** The candidate tasks and their weights for a split and options (family weight shared among its tasks). */
export function taskWeights(plan: SplitPlan, split: Split, mix: Record<Family, number>, opts: SampleOptions): { tasks: TaskSpec[]; weights: number[] } {
  const tasks = tasksFor(plan, split).filter((t) =>
    (!opts.tasks || opts.tasks.includes(t.id)) && (!opts.difficulties || t.difficulties.some((d) => opts.difficulties!.includes(d))));
  const perFamily = new Map<Family, number>();
  for (const t of tasks) perFamily.set(t.family, (perFamily.get(t.family) ?? 0) + 1);
  const weights = tasks.map((t) => (opts.mix?.[t.family] ?? (opts.mix ? 0 : mix[t.family])) / perFamily.get(t.family)!);
  if (tasks.length === 0 || weights.every((w) => w === 0)) {
    throw new ConfigError('world sample', 'options', `at least one task with positive weight in the ${split} split (families: ${FAMILIES.join(', ')})`, JSON.stringify(opts));
  }
  return { tasks, weights };
}

export function samplePrompts(kb: Kb, plan: SplitPlan, mix: Record<Family, number>, split: Split, n: number, opts: SampleOptions = {}): Prompt[] {
  const stream = opts.stream ?? '0';
  const rng = rngFor(plan.seed, `sample|${split}|${stream}`);
  const { tasks, weights } = taskWeights(plan, split, mix, opts);
  const seen = new Set<string>();
  const out: Prompt[] = [];
  while (out.length < n) {
    let d = drawInstance(kb, plan, split, rng, tasks, weights, opts.difficulties);
    // Avoid exact repeats by redrawing from the same task (so the mix holds); a tiny content space may still repeat.
    for (let retry = 0; retry < 20 && seen.has(`${d.task.id}|${d.instance.key}|${d.template}`); retry++) d = drawFromTask(kb, plan, split, rng, d.task, opts.difficulties) ?? d;
    seen.add(`${d.task.id}|${d.instance.key}|${d.template}`);
    const constraints = CONSTRAINT_FAMILIES.includes(d.task.family) && rng.uniform() < (opts.systemRate ?? 0)
      ? randomConstraints(rng, 1 + rng.int(opts.maxConstraints ?? 2))
      : [];
    out.push(toPrompt(plan, `${split}-${stream}-${String(out.length).padStart(6, '0')}`, d, rng.pick(FRAMES), constraints, rng.uniform() < 0.5));
  }
  return out;
}

/** Assembles the Prompt record: messages (system if constrained, then user), tags and oracle. */
export function toPrompt(plan: SplitPlan, id: string, d: Drawn, frame: string, constraints: Constraint[], shortSystem: boolean): Prompt {
  const x = d.instance;
  const messages: Message[] = [];
  if (constraints.length > 0) messages.push({ role: 'system', content: systemText(constraints, shortSystem) });
  messages.push({ role: 'user', content: frame.replace('{q}', x.user) });
  return {
    id,
    family: d.task.family,
    task: d.task.id,
    difficulty: d.difficulty,
    template: `${d.task.id}#${d.template}`,
    messages,
    tags: {
      unsafe: x.unsafe ?? false,
      borderline: x.borderline ?? false,
      heldOutTemplate: isHeldOutTemplate(plan, d.task.id, d.template),
      heldOutTask: plan.heldOutTasks.has(d.task.id),
      ...(x.category === undefined ? {} : { category: x.category }),
      ...(x.attack === undefined ? {} : { attack: x.attack }),
    },
    oracle: { check: x.check, gold: applyConstraints(constraints, x.gold), plainGold: x.gold, explanation: x.explanation, constraints },
    alpaca: x.alpaca ?? { instruction: x.user, input: '' },
  };
}
