// Streaming variant of util/fs.ts writeFileAtomic for model files too big to hold as one buffer: chunks go to
// a temporary file in the target's folder as they are produced, which is fsynced and renamed over the target
// only when every chunk is written. A crash or a throw leaves the old file (or none), never a torn one.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export type Sink = (chunk: Uint8Array) => void;

export function writeFileStreamingAtomic(path: string, produce: (write: Sink) => void): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Date.now()}`);
  const fd = openSync(tmp, 'w');
  try {
    produce((chunk) => {
      let off = 0;
      while (off < chunk.byteLength) off += writeSync(fd, chunk, off, chunk.byteLength - off);
    });
    fsyncSync(fd);
    closeSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  renameSync(tmp, path);
}
