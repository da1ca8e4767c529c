// File helpers that never leave a half-written file behind: write to a temporary file in the same folder,
// fsync, then rename over the target (rename is atomic on POSIX filesystems). A killed process leaves either
// the old file or the new one, never a torn one.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync, readFileSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { FileFormatError } from './errors.js';

export function writeFileAtomic(path: string, chunks: Uint8Array | string | readonly (Uint8Array | string)[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Date.now()}`);
  const fd = openSync(tmp, 'w');
  try {
    const list = typeof chunks === 'string' || chunks instanceof Uint8Array ? [chunks] : chunks;
    for (const c of list) {
      const buf = typeof c === 'string' ? Buffer.from(c, 'utf8') : c;
      let off = 0;
      while (off < buf.byteLength) off += writeSync(fd, buf, off, buf.byteLength - off);
    }
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
  // Make the rename itself durable.
  try {
    const dfd = openSync(dirname(path), 'r');
    fsyncSync(dfd);
    closeSync(dfd);
  } catch {
    /* some filesystems do not allow fsync on directories */
  }
}

/** Reads and parses a JSON file; a syntax error names the file. */
export function readJsonFile(path: string): unknown {
  const text = readFileSync(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new FileFormatError(path, 'JSON', 'valid JSON', (e as Error).message);
  }
}

/** Reads a JSONL file into an array of parsed values; a bad line names the file and the line number. */
export function readJsonl<T = unknown>(path: string): T[] {
  const out: T[] = [];
  const lines = readFileSync(path, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch (e) {
      throw new FileFormatError(path, `line ${i + 1}`, 'one JSON value per line', (e as Error).message);
    }
  }
  return out;
}

export function writeJsonl(path: string, rows: readonly unknown[]): void {
  writeFileAtomic(path, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
}
