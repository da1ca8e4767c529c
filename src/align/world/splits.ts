// Train / held-out splits, three ways (to measure generalisation, not recall):
//  1. by content: every instance key (a fact, a word, an expression, a request target) hashes to one split;
//  2. by phrasing: one template per task (of those with ≥ 3) is never used in train ("unseen templates");
//  3. by task: whole sub-families (default lists.min) are never used in train.
// Held-out samples use every template and tag the unseen ones, so one set reports all three.
import type { Split } from './types.js';
import type { TaskSpec } from './tasks/task.js';
import type { WorldConfig } from './config.js';
import { hash01, hash32 } from './seeded.js';
import { TASKS } from './tasks/index.js';

export interface SplitPlan {
  seed: number;
  heldOutFraction: number;
  heldOutTasks: ReadonlySet<string>;
  /** task id → phrasing indices never used in train. */
  heldOutTemplates: ReadonlyMap<string, ReadonlySet<number>>;
}

export function planSplits(cfg: WorldConfig): SplitPlan {
  const templates = new Map<string, Set<number>>();
  for (const t of TASKS) {
    const held = new Set<number>();
    if (t.templates >= 3 && cfg.heldOutTemplatesPerTask > 0) held.add(hash32(cfg.seed, `template|${t.id}`) % t.templates);
    templates.set(t.id, held);
  }
  return { seed: cfg.seed, heldOutFraction: cfg.heldOutFraction, heldOutTasks: new Set(cfg.heldOutTasks), heldOutTemplates: templates };
}

/** The split an instance key belongs to (a pure function of seed and key). */
export function splitOfKey(plan: SplitPlan, key: string): Split {
  return hash01(plan.seed, `split|${key}`) < plan.heldOutFraction ? 'heldout' : 'train';
}

/** The tasks a split may draw from. */
export function tasksFor(plan: SplitPlan, split: Split): TaskSpec[] {
  return TASKS.filter((t) => split === 'heldout' || !plan.heldOutTasks.has(t.id));
}

/** The phrasings a split may use for a task. */
export function templatesFor(plan: SplitPlan, split: Split, task: TaskSpec): number[] {
  const held = plan.heldOutTemplates.get(task.id) ?? new Set<number>();
  return Array.from({ length: task.templates }, (_, i) => i).filter((i) => split === 'heldout' || !held.has(i));
}

export function isHeldOutTemplate(plan: SplitPlan, taskId: string, template: number): boolean {
  return plan.heldOutTemplates.get(taskId)?.has(template) ?? false;
}
