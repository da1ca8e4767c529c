// A server on a loopback port with a tiny random model and a real Llama tokenizer, for the serving tests.
import { LlamatsServer, type ServeOptions } from '../../src/serve/server.js';
import type { Tokenizer } from '../../src/tokenizer/types.js';
import { llama2Tokenizer, tinyDecoder } from '../generate/fixtures.js';

export interface TestServer {
  url: string;
  server: LlamatsServer;
  close(): Promise<void>;
}

export async function startServer(options: Partial<ServeOptions> = {}, tok: Tokenizer = llama2Tokenizer(), maxSeqLen = 256): Promise<TestServer> {
  const decoder = tinyDecoder(tok.vocabSize, 3, { maxSeqLen, sharpen: 30 });
  const server = new LlamatsServer({ id: 'tiny-test', decoder, tokenizer: tok }, { port: 0, log: () => {}, ...options });
  const url = await server.listen();
  return { url, server, close: () => server.close() };
}

/** Raw HTTP: status, headers and parsed JSON (or text) of one request. */
export async function http(url: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const r = await fetch(url, init);
  const text = await r.text();
  let body: unknown = null;
  try { body = JSON.parse(text); } catch { /* SSE or empty */ }
  return { status: r.status, headers: r.headers, body, text };
}

export const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  http(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
