// `llamats serve`: an OpenAI-compatible HTTP server over node:http (recipe §14) and the web chat page.
//   GET  /health                 liveness and load (no key needed)
//   GET  /v1/models[/ID]         the one model served
//   POST /v1/chat/completions    chat through the model's template; SSE when "stream": true
//   POST /v1/completions         raw text or token prompts
//   GET  /, /app.js, /style.css  the web chat page (src/serve/web/)
// One model, one process: requests share the continuous-batching engine, which decodes every running sequence
// in one forward pass per token. Limits: body size, max_tokens, n, context length, sequences in flight + a bounded
// queue (429 beyond; 503 while shutting down), a per-request time limit; a client that disconnects cancels its
// generation. Binds 127.0.0.1 unless told otherwise; CORS only when asked for.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { totalmem } from 'node:os';
import { Engine } from '../generate/engine.js';
import type { Decoder } from '../model/inference.js';
import type { ChatTemplateName } from '../tokenizer/chat-templates.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { apiKeyChecker } from './auth.js';
import { chatCompletions, completions, type GenerationContext } from './completions.js';
import { HttpError, toHttpError } from './errors.js';
import { readJson, sendError, sendJson } from './http-io.js';
import { loadWebFiles, type StaticFile } from './static.js';

export interface ServedModel {
  /** The name clients see in /v1/models and in responses. */
  id: string;
  decoder: Decoder;
  tokenizer: Tokenizer;
  /** Ids that end generation (default: the tokenizer's, recipe §3). */
  stopIds?: readonly number[];
  /** Default: the tokenizer family's template. */
  chatTemplate?: ChatTemplateName;
}

export interface ServeOptions {
  host: string;
  port: number;
  /** Clients must send `Authorization: Bearer KEY` to /v1/* when set. */
  apiKey: string | null;
  maxBodyBytes: number;
  /** Largest max_tokens, and the default. */
  maxTokens: number;
  maxN: number;
  /** Sequences decoded together (continuous batching). */
  maxBatch: number;
  /** Sequences allowed to wait for a batch slot; beyond, 429. */
  maxQueue: number;
  /** Prompt + completion tokens (≤ the model's context). */
  contextLength: number;
  /** KV-cache memory of all requests together; requests wait for room, and one that alone needs more gets 400. */
  maxKvBytes: number;
  requestTimeoutMs: number;
  /** Prompt tokens prefilled between two decoding steps. */
  prefillChunk: number;
  /** Send `Access-Control-Allow-Origin: *` (off: only pages served from here can call the API). */
  cors: boolean;
  /** Where request failures are logged (default stderr). */
  log: (line: string) => void;
}

export function defaultServeOptions(decoder: Decoder): ServeOptions {
  const context = decoder.config.maxSeqLen;
  return {
    host: '127.0.0.1', port: 8080, apiKey: null, maxBodyBytes: 1 << 20,
    maxTokens: Math.min(2048, context - 1), maxN: 16, maxBatch: 64, maxQueue: 256,
    contextLength: context, maxKvBytes: Math.floor(totalmem() / 4), requestTimeoutMs: 10 * 60_000, prefillChunk: 256, cors: false,
    log: (line) => process.stderr.write(`${line}\n`),
  };
}

const PAGE_HEADERS = {
  // The page loads nothing from elsewhere and talks only to this server.
  'Content-Security-Policy': "default-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
};

export class LlamatsServer {
  readonly http: Server;
  readonly engine: Engine;
  readonly options: ServeOptions;
  readonly created = Math.floor(Date.now() / 1000);
  private closing = false;
  private readonly checkKey: (req: IncomingMessage) => void;
  private readonly web: Map<string, StaticFile>;
  private readonly inFlight = new Set<AbortController>();

  constructor(readonly model: ServedModel, options: Partial<ServeOptions> = {}) {
    const o = { ...defaultServeOptions(model.decoder), ...options };
    o.contextLength = Math.min(o.contextLength, model.decoder.config.maxSeqLen);
    o.maxTokens = Math.min(o.maxTokens, o.contextLength - 1);
    o.maxN = Math.min(o.maxN, o.maxBatch);
    this.options = o;
    this.engine = new Engine(model.decoder, model.tokenizer, { maxBatch: o.maxBatch, contextLength: o.contextLength, prefillChunk: o.prefillChunk, maxKvBytes: o.maxKvBytes });
    this.checkKey = apiKeyChecker(o.apiKey);
    this.web = loadWebFiles();
    this.http = createServer((req, res) => void this.handle(req, res));
    // Bound open sockets: every generation slot and queue place, plus room for health checks and page loads.
    this.http.maxConnections = o.maxBatch + o.maxQueue + 64;
  }

  /** Starts listening; resolves to the base URL (port 0 picks a free port). */
  listen(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.options.port, this.options.host, () => {
        const a = this.http.address() as AddressInfo;
        const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
        resolve(`http://${host}:${a.port}`);
      });
    });
  }

  /**
   * Stops: new requests get 503 at once; requests in flight may finish for graceMs, then are cancelled
   * (streams end with an error event) and the sockets are closed.
   */
  async close(graceMs = 0): Promise<void> {
    this.closing = true;
    const deadline = Date.now() + graceMs;
    while (this.inFlight.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    this.engine.close();
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.http.closeIdleConnections();
    setTimeout(() => this.http.closeAllConnections(), 200).unref();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const cors: Record<string, string> = this.options.cors
      ? { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'Authorization, Content-Type', 'Access-Control-Allow-Methods': 'GET, POST, OPTIONS' }
      : {};
    for (const [k, v] of Object.entries(cors)) res.setHeader(k, v);
    try {
      await this.route(req, res);
    } catch (e) {
      const err = toHttpError(e);
      if (!err) return;
      if (err.status >= 500) this.options.log(`llamats serve: ${req.method} ${req.url}: ${(e as Error)?.stack ?? String(e)}`);
      sendError(res, err);
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const method = req.method ?? 'GET';
    if (method === 'OPTIONS' && this.options.cors) {
      res.writeHead(204).end();
      return;
    }
    const page = this.web.get(path);
    if (page) {
      allow(method, ['GET', 'HEAD']);
      res.writeHead(200, { 'Content-Type': page.type, 'Content-Length': page.body.length, 'Cache-Control': 'no-cache', ...PAGE_HEADERS });
      res.end(method === 'HEAD' ? undefined : page.body);
      return;
    }
    if (path === '/health') {
      allow(method, ['GET']);
      const load = this.engine.load;
      sendJson(res, this.closing ? 503 : 200, { status: this.closing ? 'shutting_down' : 'ok', model: this.model.id, running: load.running, waiting: load.waiting });
      return;
    }
    if (!path.startsWith('/v1/')) throw new HttpError(404, `No route ${method} ${path}.`, 'invalid_request_error', null, 'not_found');
    this.checkKey(req);
    if (path === '/v1/models') {
      allow(method, ['GET']);
      sendJson(res, 200, { object: 'list', data: [this.modelObject()] });
      return;
    }
    if (path.startsWith('/v1/models/')) {
      allow(method, ['GET']);
      const id = decodeURIComponent(path.slice('/v1/models/'.length));
      if (id !== this.model.id) throw new HttpError(404, `The model '${id}' does not exist; this server serves '${this.model.id}'.`, 'invalid_request_error', 'model', 'model_not_found');
      sendJson(res, 200, this.modelObject());
      return;
    }
    const handler = path === '/v1/chat/completions' ? chatCompletions : path === '/v1/completions' ? completions : null;
    if (!handler) throw new HttpError(404, `No route ${method} ${path}.`, 'invalid_request_error', null, 'not_found');
    allow(method, ['POST']);
    if (this.closing) throw new HttpError(503, 'The server is shutting down.', 'server_error', null, 'shutting_down');
    const body = await readJson(req, this.options.maxBodyBytes);
    const ac = new AbortController();
    // 'close' on the response before it finished = the client went away: stop generating for it.
    res.on('close', () => {
      if (!res.writableFinished) ac.abort(new DOMException('The client disconnected.', 'AbortError'));
    });
    this.inFlight.add(ac);
    try {
      await handler(this.context(AbortSignal.any([ac.signal, AbortSignal.timeout(this.options.requestTimeoutMs)])), body, res);
    } finally {
      this.inFlight.delete(ac);
      ac.abort(); // whatever is still queued for this request is dropped
    }
  }

  private context(signal: AbortSignal): GenerationContext {
    const o = this.options;
    return {
      engine: this.engine,
      tokenizer: this.model.tokenizer,
      modelId: this.model.id,
      stopIds: this.model.stopIds ?? this.model.tokenizer.stopIds,
      chatTemplate: this.model.chatTemplate,
      limits: { maxTokens: o.maxTokens, maxN: o.maxN, contextLength: o.contextLength },
      capacity: o.maxBatch + o.maxQueue,
      signal,
      onError: (e) => o.log(`llamats serve: generation failed: ${(e as Error)?.stack ?? String(e)}`),
    };
  }

  private modelObject() {
    return { id: this.model.id, object: 'model', created: this.created, owned_by: 'llamats' };
  }
}

function allow(method: string, methods: string[]): void {
  if (!methods.includes(method)) throw new HttpError(405, `Method ${method} is not allowed here; use ${methods.join(' or ')}.`, 'invalid_request_error', null, 'method_not_allowed');
}
