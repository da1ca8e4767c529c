// `llamats serve` as a process: binds loopback on a free port, answers the openai client, stops on SIGINT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { initLlama } from '../../src/model/llama.js';
import { saveTrainedModel } from '../../src/model/load.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { llama2Tokenizer, tinyConfig } from '../generate/fixtures.js';

test('serve: starts on 127.0.0.1, serves the openai client with the API key, exits cleanly on SIGINT', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'llamats-cli-serve-'));
  try {
    const file = join(dir, 'tiny.gguf');
    const tok = llama2Tokenizer();
    saveTrainedModel(file, initLlama(tinyConfig(tok.vocabSize, 128), 2), tok);
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test', 'helpers', 'run-cli.ts'), 'serve', '--model', file, '--port', '0', '--api-key', 'secret'], {
      cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = /on (http:\/\/[^/\s]+)\//.exec(stderr);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
    });
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(stderr, /API key required/);
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'secret', maxRetries: 0 });
    assert.deepEqual((await client.models.list()).data.map((m) => m.id), ['tiny']);
    const r = await client.chat.completions.create({ model: 'tiny', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 3 });
    assert.equal(r.choices.length, 1);
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    assert.equal(await exit, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
