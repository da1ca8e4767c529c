// Pretraining documents for a base model of the world (the design: knowledge comes from pretraining, format
// from SFT). Two kinds, written as JSONL for the trainer's `folder` source:
//  - the world's knowledge-base prose (world.corpus(): profiles, chains, tally lessons);
//  - task lists: "Come up with a series of tasks:" followed by numbered train-split user requests, the document
//    shape Self-Instruct prompts with (Wang et al. 2023 §2.2). They stand in for the questions a web corpus is
//    full of, so that a base model can propose new instructions (self-instruct.ts). They hold no answers.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonl } from '../../util/fs.js';
import type { World } from '../world/index.js';

export const TASK_LIST_HEADER = 'Come up with a series of tasks:';

/** "Come up with a series of tasks:\nTask 1: …\nTask 2: …" over the given instructions. */
export function taskList(instructions: readonly string[]): string {
  return [TASK_LIST_HEADER, ...instructions.map((t, i) => `Task ${i + 1}: ${t}`)].join('\n');
}

export interface PretrainingCorpusOptions {
  /** Knowledge-base documents (default 60 per entity: every fact seen in many phrasings). */
  kbDocs?: number;
  /** Task-list documents of 8 requests each. */
  taskLists?: number;
}

/** The documents, as {id, text} rows. */
export function worldPretrainingDocs(world: World, o: PretrainingCorpusOptions = {}): { id: string; text: string }[] {
  const kb = world.corpus(o.kbDocs ?? 60 * world.kb.entities.length).map((text, i) => ({ id: `world-kb-${i}`, text }));
  const nLists = o.taskLists ?? Math.round(kb.length / 10);
  // Single-line requests only: a task list has one request per line.
  const requests = world.sample('train', nLists * 12, { stream: 'pretraining-task-lists' })
    .map((p) => p.messages.filter((m) => m.role === 'user').map((m) => m.content).join(' '))
    .filter((t) => !t.includes('\n'));
  const lists = Array.from({ length: nLists }, (_, i) => ({ id: `world-tasks-${i}`, text: taskList(requests.slice(i * 8, i * 8 + 8)) }))
    .filter((d) => d.text.includes('Task 2:'));
  return [...kb, ...lists];
}

/** Writes world.jsonl into `dir` (a `{"kind": "folder", "path": dir}` source for `llamats train`). */
export function writePretrainingCorpus(world: World, dir: string, o: PretrainingCorpusOptions = {}): { file: string; docs: number; chars: number } {
  const docs = worldPretrainingDocs(world, o);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'world.jsonl');
  writeJsonl(file, docs);
  return { file, docs: docs.length, chars: docs.reduce((n, d) => n + d.text.length, 0) };
}
