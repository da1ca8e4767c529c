// Shared helpers for the io tests: a scratch folder per test file, and an assertion that a call fails with
// a FileFormatError naming the file and the expected field.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { FileFormatError } from '../../src/util/errors.js';

export function scratchDir(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), `llamats-${tag}-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Asserts that `fn` throws a FileFormatError for `file` whose field matches `field`. */
export function assertFormatError(fn: () => unknown, file: string, field: RegExp): FileFormatError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof FileFormatError, `expected a FileFormatError, got ${(e as Error)?.stack ?? String(e)}`);
    assert.equal(e.file, file);
    assert.match(e.field, field, e.message);
    return e;
  }
  assert.fail(`expected a FileFormatError on field ${field}, but the call succeeded`);
}

export const VOCAB_DIR = new URL('../fixtures/vocab/', import.meta.url).pathname;
