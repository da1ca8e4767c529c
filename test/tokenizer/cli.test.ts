// `llamats tokenize` / `detokenize` / `tokenizer train` as docs/cli-contract.md fixes them, in a child process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fixtureRoot, LLAMA2_GGUF, LLAMA3_GGUF } from './fixtures.js';

const ROOT = join(fixtureRoot(), '..', '..', '..');
function cli(args: string[], input = ''): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'helpers', 'run-cli.ts'), ...args], { cwd: ROOT, input, encoding: 'utf8', env: { ...process.env, LLAMATS_QUIET: '1' } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

test('tokenize: BOS by default, --no-bos, --special, --jsonl; detokenize inverts it', () => {
  assert.equal(cli(['tokenize', '--tokenizer', LLAMA3_GGUF, 'Hello world<|eot_id|>']).out, '[128000,9906,1917,27,91,68,354,851,91,29]\n');
  assert.equal(cli(['tokenize', '--tokenizer', LLAMA3_GGUF, '--special', '--no-bos', 'Hello world<|eot_id|>']).out, '[9906,1917,128009]\n');
  assert.equal(cli(['tokenize', '--tokenizer', LLAMA2_GGUF, '--jsonl', '--no-bos'], '"Hello world"\n" Hello world"\n').out, '[15043,3186]\n[29871,15043,3186]\n');
  assert.equal(cli(['detokenize', '--tokenizer', LLAMA2_GGUF, '[1,15043,3186]']).out, 'Hello world');
  assert.equal(cli(['detokenize', '--tokenizer', LLAMA3_GGUF, '--special', '[128000,9906]']).out, '<|begin_of_text|>Hello');
  assert.equal(cli(['detokenize', '--tokenizer', LLAMA3_GGUF, '--jsonl'], '[9906,1917]\n[128000]\n').out, '"Hello world"\n""\n');
});

test('errors: non-zero exit and a message naming the field', () => {
  const r = cli(['detokenize', '--tokenizer', LLAMA2_GGUF, '[1, 99999]']);
  assert.equal(r.code, 1);
  assert.match(r.err, /token id: expected an integer in 0\.\.31999, got 99999/);
  const j = cli(['tokenize', '--tokenizer', LLAMA2_GGUF, '--jsonl'], '"ok"\n[1]\n');
  assert.equal(j.code, 1);
  assert.match(j.err, /stdin line 2: expected a JSON string/);
});

test('tokenizer train writes a GGUF that tokenize loads', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'llamats-cli-')), 'tok.gguf');
  const r = cli(['tokenizer', 'train', '--input', join(ROOT, 'docs', 'llama-recipe.md'), '--vocab-size', '600', '--special-tokens', '16', '--out', out]);
  assert.equal(r.code, 0, r.err);
  const ids = JSON.parse(cli(['tokenize', '--tokenizer', out, 'the model']).out) as number[];
  assert.equal(ids[0], 584); // <|begin_of_text|> = 256 bytes + 328 merges
  assert.equal(cli(['detokenize', '--tokenizer', out, JSON.stringify(ids)]).out, 'the model');
});
