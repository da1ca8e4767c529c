// Every task of the world, by family. The sampler draws from this list; a task id is "family.name".
import { ARITHMETIC_TASKS } from './arithmetic.js';
import { CODE_TASKS } from './code.js';
import { FACT_TASKS } from './facts.js';
import { FORMAT_TASKS } from './format.js';
import { LIST_TASKS } from './lists.js';
import { SAFETY_TASKS } from './safety.js';
import { STRING_TASKS } from './strings.js';
import type { TaskSpec } from './task.js';

export const TASKS: readonly TaskSpec[] = [...FACT_TASKS, ...STRING_TASKS, ...ARITHMETIC_TASKS, ...LIST_TASKS, ...FORMAT_TASKS, ...CODE_TASKS, ...SAFETY_TASKS];

export function taskById(id: string): TaskSpec | undefined {
  return TASKS.find((t) => t.id === id);
}
