// `llamats generate`, `chat` and `bench` as a user runs them (child processes, real exit codes), on a tiny GGUF
// written with the real Llama 2 tokenizer; outputs checked against the library called in-process on the same file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatSession } from '../../src/generate/chat-session.js';
import { generate } from '../../src/generate/generate.js';
import { loadGenerationModel, type GenerationModel } from '../../src/generate/load.js';
import { initLlama } from '../../src/model/llama.js';
import { saveTrainedModel } from '../../src/model/load.js';
import { runCli } from '../helpers/cli.js';
import { llama2Tokenizer, tinyConfig } from './fixtures.js';

let dir: string;
let file: string;
let m: GenerationModel;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'llamats-cli-gen-'));
  file = join(dir, 'tiny.gguf');
  const tok = llama2Tokenizer();
  const model = initLlama(tinyConfig(tok.vocabSize, 256), 11);
  for (let i = 0; i < model.output.data.length; i++) model.output.data[i]! *= 30; // peaked, like a trained model
  saveTrainedModel(file, model, tok);
  m = loadGenerationModel(file);
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function libraryText(prompt: string, opts: object): Promise<string> {
  let text = '';
  for await (const s of generate(m.decoder, m.tokenizer, m.tokenizer.encode(prompt, { bos: true }), { stopIds: m.stopIds, ...opts })) text += s.text;
  return text;
}

test('generate streams the same text the library generates (greedy), with a summary on stderr', async () => {
  const r = runCli(['generate', '--model', file, '--prompt', 'Once upon a time', '--temperature', '0', '--max-tokens', '12']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `${await libraryText('Once upon a time', { temperature: 0, maxTokens: 12 })}\n`);
  assert.match(r.stderr, /tokens generated .* seed \d+/);
});

test('generate: a seed reproduces a sampled run; --stop cuts; bad flags name themselves', async () => {
  const args = ['generate', '--model', file, '--prompt', 'Hello', '--temperature', '1', '--top-k', '40', '--seed', '5', '--max-tokens', '16'];
  const a = runCli(args);
  const b = runCli(args);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(a.stdout, b.stdout);
  assert.equal(a.stdout, `${await libraryText('Hello', { temperature: 1, topK: 40, seed: 5, maxTokens: 16 })}\n`);
  const text = a.stdout.trimEnd();
  assert.ok(text.length >= 6, JSON.stringify(text));
  const stop = text.slice(2, 5);
  const c = runCli([...args, '--stop', stop]);
  assert.equal(c.stdout, `${text.slice(0, text.indexOf(stop))}\n`);
  const bad = runCli(['generate', '--model', file, '--temperature', 'hot']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--temperature: expected a number/);
  assert.match(runCli(['generate', '--model', join(dir, 'missing.gguf')]).stderr, /missing\.gguf/);
});

test('chat keeps the history across turns, /reset forgets it, /exit quits', async () => {
  const r = runCli(['chat', '--model', file, '--system', 'Be brief.', '--temperature', '0', '--max-tokens', '8'], { input: 'Hello\nWhat next?\n/reset\nWhat next?\n/exit\nnever read\n' });
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  const gen = { temperature: 0, maxTokens: 8, stopIds: m.stopIds };
  const s = new ChatSession(m.decoder, m.tokenizer, { system: 'Be brief.', generation: gen });
  const collect = async (t: string) => { let o = ''; for await (const x of s.send(t)) o += x.text; return o; };
  const a1 = await collect('Hello');
  const a2 = await collect('What next?');
  s.reset();
  const a3 = await collect('What next?');
  assert.deepEqual(lines, [a1, a2, a3, '']);
  assert.match(r.stderr, /conversation reset/);
});

test('bench --json prints one JSON object with the contract fields', () => {
  const r = runCli(['bench', '--model', file, '--prompt-tokens', '16', '--gen-tokens', '4', '--reps', '1', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1);
  const j = JSON.parse(lines[0]!);
  assert.ok(j.prefill_tok_s > 0 && j.decode_tok_s > 0 && j.generate_tok_s > 0, lines[0]);
  assert.equal(j.prompt_tokens, 16);
  assert.equal(j.gen_tokens, 4);
});
