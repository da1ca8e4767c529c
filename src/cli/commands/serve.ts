// `llamats serve` (docs/cli-contract.md): the OpenAI-compatible server and the web chat page (src/serve/).
import { loadGenerationModel } from '../../generate/load.js';
import { LlamatsServer, defaultServeOptions } from '../../serve/server.js';
import { setThreads } from '../../tensor/backend.js';
import type { ChatTemplateName } from '../../tokenizer/chat-templates.js';
import { ConfigError } from '../../util/errors.js';
import { numberFlag, parseFlags, requireFlag, type Command } from '../command.js';

const TEMPLATES: ChatTemplateName[] = ['llama2', 'llama3', 'llama3.1'];

export const command: Command = {
  name: 'serve',
  summary: 'OpenAI-compatible HTTP server (/v1/chat/completions, /v1/completions, SSE) and a web chat page at /',
  usage: `
Usage: llamats serve --model PATH [--host 127.0.0.1] [--port 8080] [--api-key KEY] [limits…]

Serves GET /v1/models, POST /v1/chat/completions and POST /v1/completions (streaming with "stream": true),
GET /health, and the web chat page at http://HOST:PORT/. All requests share one batch: every running answer
advances one token per forward pass.
  --api-key KEY        require "Authorization: Bearer KEY" on /v1/* (or set LLAMATS_API_KEY)
  --host HOST          interface to bind (default 127.0.0.1: this machine only)
  --port N             (default 8080; 0 picks a free port)
  --name ID            model id shown to clients (default the file name)
  --tokenizer FILE     use this tokenizer instead of the model's
  --template NAME      chat format: llama2 | llama3 | llama3.1 (default from the tokenizer)
  --threads N          kernel threads
Limits (a request beyond them gets a 4xx JSON error in OpenAI's format):
  --ctx N              context window per request, prompt + answer (default the model's)
  --max-tokens N       largest max_tokens, and the default (default min(2048, ctx − 1))
  --max-batch N        sequences decoded together (default 64)
  --max-queue N        sequences waiting for a place in the batch; beyond it 429 (default 256)
  --max-body BYTES     request body size (default 1048576)
  --kv-memory MIB      KV-cache memory of all requests together (default a quarter of RAM); requests wait for room
  --timeout SECONDS    per-request time limit, 504 beyond (default 600)
  --cors               allow browser pages from other origins (Access-Control-Allow-Origin: *); off by default`,
  async run(argv) {
    const { values } = parseFlags('serve', argv, {
      model: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' }, 'api-key': { type: 'string' },
      name: { type: 'string' }, tokenizer: { type: 'string' }, template: { type: 'string' }, threads: { type: 'string' },
      ctx: { type: 'string' }, 'max-tokens': { type: 'string' }, 'max-batch': { type: 'string' }, 'max-queue': { type: 'string' },
      'max-body': { type: 'string' }, 'kv-memory': { type: 'string' }, timeout: { type: 'string' }, cors: { type: 'boolean' },
    }, false);
    const template = values.template as ChatTemplateName | undefined;
    if (template !== undefined && !TEMPLATES.includes(template)) throw new ConfigError('llamats serve', '--template', TEMPLATES.join(' | '), JSON.stringify(template));
    if (values.threads !== undefined) setThreads(numberFlag('serve', 'threads', values.threads, 1, { integer: true, min: 1, max: 1024 }));
    const m = loadGenerationModel(requireFlag('serve', 'model', values.model), values.tokenizer);
    const d = defaultServeOptions(m.decoder);
    const n = (flag: string, v: string | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) => numberFlag('serve', flag, v, fallback, { integer: true, min, max });
    const ctx = n('ctx', values.ctx, d.contextLength, 2, m.config.maxSeqLen);
    const apiKey = values['api-key'] ?? process.env.LLAMATS_API_KEY ?? null;
    const server = new LlamatsServer({ id: values.name ?? m.id, decoder: m.decoder, tokenizer: m.tokenizer, stopIds: m.stopIds, chatTemplate: template }, {
      host: values.host ?? d.host,
      port: n('port', values.port, d.port, 0, 65535),
      apiKey: apiKey === '' ? null : apiKey,
      contextLength: ctx,
      maxTokens: n('max-tokens', values['max-tokens'], Math.min(d.maxTokens, ctx - 1), 1, ctx - 1),
      maxBatch: n('max-batch', values['max-batch'], d.maxBatch, 1, 4096),
      maxQueue: n('max-queue', values['max-queue'], d.maxQueue, 0),
      maxBodyBytes: n('max-body', values['max-body'], d.maxBodyBytes, 1024),
      maxKvBytes: n('kv-memory', values['kv-memory'], Math.floor(d.maxKvBytes / 2 ** 20), 1) * 2 ** 20,
      requestTimeoutMs: n('timeout', values.timeout, d.requestTimeoutMs / 1000, 1) * 1000,
      cors: values.cors === true,
    });
    const url = await server.listen();
    const loopback = /^(127\.|\[::1\]|localhost)/.test(new URL(url).hostname) || new URL(url).hostname === '[::1]';
    process.stderr.write(`llamats serve: ${server.model.id} on ${url}/ (chat page), API at ${url}/v1` +
      `${server.options.apiKey ? ', API key required' : ''}\n`);
    if (!loopback && !server.options.apiKey) process.stderr.write('llamats serve: WARNING: listening beyond this machine without --api-key\n');
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.stderr.write('llamats serve: shutting down (requests in flight get 5 s to finish)\n');
        void server.close(5000).then(resolve);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  },
};
