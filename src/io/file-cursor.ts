// Sequential reads of a binary file through a bounded window, for parsing headers (GGUF, safetensors) without
// reading the whole file: a multi-GB model is touched only where its header is. Every read is checked
// against the file's size first, so a hostile length can neither make us allocate more than the file holds
// nor read past its end; the errors name the file and the field being read.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { FileFormatError } from '../util/errors.js';

const WINDOW = 1 << 20; // bytes read per refill; grows only for a single item larger than this

/** Reads `length` bytes at `position` of an open file into `into`, looping because one readSync is capped at 2 GiB. */
export function readFully(fd: number, into: Uint8Array, position: number, path: string, field: string): void {
  let done = 0;
  while (done < into.byteLength) {
    const n = readSync(fd, into, done, Math.min(into.byteLength - done, 1 << 30), position + done);
    if (n === 0) throw new FileFormatError(path, field, `${into.byteLength} bytes at offset ${position}`, `end of file after ${done}`);
    done += n;
  }
}

/** Opens `path`, runs `body` with a cursor on it, always closes the file. */
export function withCursor<T>(path: string, body: (c: FileCursor) => T): T {
  const fd = openSync(path, 'r');
  try {
    return body(new FileCursor(path, fd, fstatSync(fd).size));
  } finally {
    closeSync(fd);
  }
}

export class FileCursor {
  /** Absolute position of the next byte to read. */
  pos = 0;
  private buf = Buffer.alloc(0);
  private bufStart = 0;

  constructor(
    readonly path: string,
    readonly fd: number,
    readonly size: number,
  ) {}

  remaining(): number {
    return this.size - this.pos;
  }

  /** Reserves the next `n` bytes and returns their index in `this.window()`; throws if the file ends first. */
  take(n: number, field: string): number {
    if (n > this.remaining()) {
      throw new FileFormatError(this.path, field, `${n} more bytes at offset ${this.pos}`, `${this.remaining()} left (file truncated?)`);
    }
    let i = this.pos - this.bufStart;
    if (i < 0 || i + n > this.buf.byteLength) {
      const len = Math.min(Math.max(n, WINDOW), this.remaining());
      if (this.buf.byteLength < len || this.buf.byteLength > Math.max(WINDOW, 4 * len)) this.buf = Buffer.allocUnsafe(len);
      readFully(this.fd, this.buf.subarray(0, len), this.pos, this.path, field);
      this.bufStart = this.pos;
      i = 0;
    }
    this.pos += n;
    return i;
  }

  /** The buffer that indices returned by take() point into (valid until the next take). */
  window(): Buffer {
    return this.buf;
  }

  // take() first: a refill replaces this.buf, so the buffer must be read after it.
  u8(field: string): number {
    const i = this.take(1, field);
    return this.buf[i]!;
  }
  u32(field: string): number {
    const i = this.take(4, field);
    return this.buf.readUInt32LE(i);
  }
  u64(field: string): bigint {
    const i = this.take(8, field);
    return this.buf.readBigUInt64LE(i);
  }

  /**
   * A u64 count of items that each take at least `minItemBytes` in the file, checked against the bytes left
   * BEFORE anyone allocates for it: a length of 2^60 is a clean error, not an out-of-memory crash.
   */
  count(field: string, minItemBytes: number): number {
    const i = this.take(8, field);
    // Two u32 halves instead of a BigInt: this runs once per string (400K times for a Llama 3 vocab).
    const lo = this.buf.readUInt32LE(i);
    const hi = this.buf.readUInt32LE(i + 4);
    const max = Math.floor(this.remaining() / Math.max(1, minItemBytes));
    if (hi >= 0x200000 || hi * 0x100000000 + lo > max) {
      const n = (BigInt(hi) << 32n) | BigInt(lo);
      throw new FileFormatError(this.path, field, `at most ${max} (what the ${this.remaining()} bytes left can hold)`, String(n));
    }
    return hi * 0x100000000 + lo;
  }

  /** Bytes [pos, pos+n) decoded as UTF-8 (invalid sequences become U+FFFD, as in llama.cpp's tolerant reader). */
  utf8(n: number, field: string): string {
    const i = this.take(n, field);
    // Buffer#utf8Slice is what toString('utf8', …) calls after argument checks; called directly it reads
    // the 128K-token Llama 3 vocab ~25% faster than toString or TextDecoder over subarrays.
    return (this.buf as unknown as { utf8Slice(start: number, end: number): string }).utf8Slice(i, i + n);
  }

  /** A copy of the next `n` bytes, aligned at 0 so it can back any typed array. */
  bytes(n: number, field: string): Uint8Array {
    const i = this.take(n, field);
    return new Uint8Array(this.buf.subarray(i, i + n));
  }
}
