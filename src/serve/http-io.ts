// Reading bodies and writing JSON / Server-Sent Events over node:http, with the limits a public endpoint needs:
// the body size is checked against Content-Length before reading and counted while reading.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, badRequest } from './errors.js';

/** Reads and parses a JSON body of at most maxBytes; 413 beyond, 400 when it is not JSON. */
export async function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  const tooLarge = () => new HttpError(413, `The request body is larger than ${maxBytes} bytes.`, 'invalid_request_error', null, 'request_too_large');
  if (declared > maxBytes) {
    req.resume(); // drain, so the 413 can be read by the client
    throw tooLarge();
  }
  const type = req.headers['content-type'];
  if (type !== undefined && !/^application\/json\b/i.test(type)) {
    req.resume();
    throw new HttpError(415, `Expected Content-Type application/json, got ${JSON.stringify(type)}.`, 'invalid_request_error', null, 'unsupported_media_type');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      req.resume();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`The request body is not valid JSON: ${(e as Error).message}`, null, 'invalid_json');
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, e: HttpError, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, e.status, e.body, headers);
}

/** A Server-Sent Events stream (`data: …\n\n` per event, `data: [DONE]` at the end, as OpenAI streams). */
export class SseStream {
  constructor(private readonly res: ServerResponse) {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
  }

  send(data: unknown): void {
    if (!this.res.writableEnded) this.res.write(`data: ${JSON.stringify(data)}\n\n`);
  }

  done(): void {
    if (!this.res.writableEnded) this.res.end('data: [DONE]\n\n');
  }

  /** An error after the stream started: one error event (OpenAI's shape), then the end. */
  fail(e: HttpError): void {
    this.send(e.body);
    this.done();
  }
}
