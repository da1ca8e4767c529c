// Training checkpoints: everything a run needs to continue bit for bit, in one file (llm.c: "a checkpoint is one
// write"). Layout (little-endian):
//   0   "LTCK"  magic
//   4   u32     version (1)
//   8   u32     byte length J of the JSON metadata
//   12  u32     0 (reserved)
//   16  JSON    metadata (step, tokens, configs, data-cursor state, optimizer step), zero-padded to 64 bytes
//   …   f32[n]  parameters, then f32[n] AdamW m, then f32[n] AdamW v   (n = meta.floats)
//   end 32 B    SHA-256 of every byte before it
// Written atomically (temp file + fsync + rename), so a kill leaves the previous checkpoint or this one, never a
// torn file; the checksum catches what rename cannot (bit rot, a copy cut short).
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readFully } from '../io/file-cursor.js';
import type { ModelConfig } from '../model/config.js';
import { FileFormatError } from '../util/errors.js';
import { writeFileAtomic } from '../util/fs.js';
import type { TrainConfig } from './config.js';

const MAGIC = 'LTCK';
const VERSION = 1;
const HEADER = 16;
const ALIGN = 64;
const HASH = 32;
/** Bytes read (and hashed) at a time. */
const CHUNK = 1 << 26;

export interface CheckpointMeta {
  /** Optimizer steps completed. */
  step: number;
  /** Training tokens consumed so far. */
  tokens: number;
  /** Elements in each of params, m, v. */
  floats: number;
  config: TrainConfig;
  /** The model as trained at this step (its RoPE θ and context are the current stage's). */
  model: ModelConfig;
  /** The data sampler's cursor (opaque JSON). */
  data: unknown;
  /** Validation loss at this step, when it was evaluated. */
  valLoss: number | null;
}

export interface Checkpoint {
  meta: CheckpointMeta;
  params: Float32Array;
  m: Float32Array;
  v: Float32Array;
}

const bytesOf = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const alignUp = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

export function saveCheckpoint(path: string, c: Checkpoint): void {
  const n = c.meta.floats;
  for (const [name, a] of [['params', c.params], ['m', c.m], ['v', c.v]] as const) {
    if (a.length !== n) throw new FileFormatError(path, name, `${n} floats (meta.floats)`, String(a.length));
  }
  const json = Buffer.from(JSON.stringify(c.meta), 'utf8');
  const head = new Uint8Array(alignUp(HEADER + json.length));
  const dv = new DataView(head.buffer);
  head.set(Buffer.from(MAGIC, 'latin1'), 0);
  dv.setUint32(4, VERSION, true);
  dv.setUint32(8, json.length, true);
  head.set(json, HEADER);
  const chunks = [head, bytesOf(c.params), bytesOf(c.m), bytesOf(c.v)];
  const hash = createHash('sha256');
  for (const ch of chunks) hash.update(ch);
  writeFileAtomic(path, [...chunks, hash.digest()]);
}

/**
 * Reads a checkpoint section by section straight into its arrays (no whole-file buffer: a 1B-parameter model's
 * checkpoint is 12 GB), hashing as it goes, and checks the checksum before returning anything. With
 * `moments: false` the AdamW moments are verified but not kept (m and v come back empty).
 */
export function loadCheckpoint(path: string, opts: { moments?: boolean } = {}): Checkpoint {
  const moments = opts.moments ?? true;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new FileFormatError(path, 'file', 'a readable checkpoint', (e as Error).message);
  }
  try {
    const size = fstatSync(fd).size;
    if (size < HEADER + HASH) throw new FileFormatError(path, 'size', `at least ${HEADER + HASH} bytes`, String(size));
    const header = new Uint8Array(HEADER);
    readFully(fd, header, 0, path, 'header');
    const magic = Buffer.from(header.subarray(0, 4)).toString('latin1');
    if (magic !== MAGIC) throw new FileFormatError(path, 'magic', `"${MAGIC}" (a llamats training checkpoint)`, JSON.stringify(magic));
    const dv = new DataView(header.buffer);
    const version = dv.getUint32(4, true);
    if (version !== VERSION) throw new FileFormatError(path, 'version', String(VERSION), String(version));
    const jsonLen = dv.getUint32(8, true);
    if (HEADER + jsonLen + HASH > size) throw new FileFormatError(path, 'metadata length', `≤ ${size - HEADER - HASH}`, String(jsonLen));
    const start = alignUp(HEADER + jsonLen);
    const head = new Uint8Array(start);
    readFully(fd, head, 0, path, 'metadata');
    let meta: CheckpointMeta;
    try {
      meta = JSON.parse(Buffer.from(head.subarray(HEADER, HEADER + jsonLen)).toString('utf8')) as CheckpointMeta;
    } catch (e) {
      throw new FileFormatError(path, 'metadata', 'JSON', (e as Error).message);
    }
    const n = meta.floats;
    const expected = start + 3 * 4 * n + HASH;
    if (!Number.isInteger(n) || n < 0 || size !== expected) throw new FileFormatError(path, 'size', `${expected} bytes for ${n} floats ×3`, `${size} bytes`);
    const hash = createHash('sha256').update(head);
    // A section not kept is still read and hashed, through one scratch chunk.
    let scratch: Uint8Array | null = null;
    const section = (k: number, name: string, keep: boolean): Float32Array => {
      const a = new Float32Array(keep ? n : 0);
      for (let off = 0; off < 4 * n; off += CHUNK) {
        const len = Math.min(4 * n - off, CHUNK);
        const chunk = keep ? bytesOf(a).subarray(off, off + len) : (scratch ??= new Uint8Array(Math.min(4 * n, CHUNK))).subarray(0, len);
        readFully(fd, chunk, start + k * 4 * n + off, path, name);
        hash.update(chunk);
      }
      return a;
    };
    const params = section(0, 'params', true);
    const m = section(1, 'm', moments);
    const v = section(2, 'v', moments);
    const digest = new Uint8Array(HASH);
    readFully(fd, digest, size - HASH, path, 'checksum');
    if (!hash.digest().equals(digest)) throw new FileFormatError(path, 'SHA-256 checksum', 'to match the contents', 'a mismatch (the file is corrupt)');
    return { meta, params, m, v };
  } finally {
    closeSync(fd);
  }
}

export const checkpointDir = (out: string): string => join(out, 'checkpoints');
export const checkpointPath = (out: string, step: number): string => join(checkpointDir(out), `step-${String(step).padStart(8, '0')}.ckpt`);

/** The run's checkpoints, oldest first. */
export function listCheckpoints(out: string): { step: number; path: string }[] {
  let names: string[];
  try {
    names = readdirSync(checkpointDir(out));
  } catch {
    return [];
  }
  return names
    .map((f) => /^step-(\d+)\.ckpt$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ step: Number(m[1]), path: join(checkpointDir(out), m[0]) }))
    .sort((a, b) => a.step - b.step);
}

/** Deletes all but the newest `keep` checkpoints. */
export function pruneCheckpoints(out: string, keep: number): void {
  const all = listCheckpoints(out);
  for (const c of all.slice(0, Math.max(0, all.length - keep))) rmSync(c.path, { force: true });
}
