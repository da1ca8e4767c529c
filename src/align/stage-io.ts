// Where an alignment stage writes: metrics rows (kept in memory for the stage's result and appended to
// OUT/metrics.jsonl as they come, so a killed run keeps its history), SVG plots, and a progress bar on stderr.
// With out = null nothing touches the disk (tests, the recipe's in-memory wiring).
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/fs.js';

export interface StageIO {
  /** Output folder (created), or null for none. */
  out: string | null;
  /** No progress bars. */
  quiet?: boolean;
}

export const MEMORY_IO: StageIO = { out: null, quiet: true };

export class StageLog<Row extends object> {
  readonly rows: Row[] = [];
  private readonly file: string | null;

  constructor(
    readonly io: StageIO,
    name = 'metrics.jsonl',
  ) {
    this.file = io.out === null ? null : join(io.out, name);
    if (io.out !== null) {
      mkdirSync(io.out, { recursive: true });
      writeFileSync(this.file!, '');
    }
  }

  append(row: Row): void {
    this.rows.push(row);
    if (this.file) appendFileSync(this.file, `${JSON.stringify(row)}\n`);
  }

  /** Writes OUT/name (atomically) when there is an output folder. */
  write(name: string, content: string): void {
    if (this.io.out !== null) writeFileAtomic(join(this.io.out, name), content);
  }
}
