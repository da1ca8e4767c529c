#!/usr/bin/env node
// Runs the test suite (test/**/*.test.ts) from the TypeScript sources with node's test runner, tsx loading
// the .ts files (tests then read fixtures relative to the sources). `npm test` type-checks with tsc first.
// Node 20's --test does not expand globs, so the files are listed here. Arguments filter by substring: `npm test -- tokenizer`.
// Slow end-to-end tests are opt-in with LLAMATS_SLOW=1 (see README).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const testDir = join(root, 'test');
const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : name.endsWith('.test.ts') ? [p] : [];
  });
}

const files = walk(testDir).sort()
  .filter((f) => filters.length === 0 || filters.some((s) => relative(testDir, f).includes(s)));
if (files.length === 0) { console.error(`no test files match ${filters.join(' ')}`); process.exit(1); }
const args = ['--import', 'tsx', '--test', '--test-concurrency=2', ...files];
const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
