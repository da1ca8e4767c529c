// Running one stage of the recipe with its result remembered: each stage writes <out>/<stage>/stage.json with a
// key (its config and the keys of its inputs) and its JSON result. A second run with the same key reuses the
// result instead of recomputing (`--fresh` recomputes), so an interrupted or extended recipe resumes where it
// stopped and a changed stage re-runs with everything after it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonFile, writeFileAtomic } from '../util/fs.js';
import { fmtTime, log } from '../util/progress.js';

export interface StageRecord<R> {
  stage: string;
  key: string;
  seconds: number;
  result: R;
}

export interface StageRunner {
  out: string;
  fresh: boolean;
  /** Every stage's record in the order they ran (for the report). */
  records: StageRecord<unknown>[];
}

export function stageKey(...parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

/** The folder a stage writes into (stage configs name it before the stage runs). */
export function stageDir(runner: StageRunner, stage: string): string {
  return join(runner.out, stage);
}

/** Runs `fn(dir)` unless a finished record with the same key exists; returns the record. */
export function runStage<R>(runner: StageRunner, stage: string, key: string, fn: (dir: string) => R): StageRecord<R> {
  const dir = stageDir(runner, stage);
  const file = join(dir, 'stage.json');
  if (!runner.fresh && existsSync(file)) {
    const prev = readJsonFile(file) as StageRecord<R>;
    if (prev.key === key) {
      log(`recipe: ${stage} — reusing the result in ${dir} (same config; --fresh recomputes)`);
      runner.records.push(prev);
      return prev;
    }
  }
  rmSync(file, { force: true });
  mkdirSync(dir, { recursive: true });
  log(`\nrecipe: ── ${stage} ──`);
  const t0 = performance.now();
  const result = fn(dir);
  const record: StageRecord<R> = { stage, key, seconds: (performance.now() - t0) / 1000, result };
  writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`);
  log(`recipe: ${stage} done in ${fmtTime(record.seconds)}`);
  runner.records.push(record);
  return record;
}
