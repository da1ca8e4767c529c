// HTTP errors in the OpenAI error format, `{"error": {"message", "type", "param", "code"}}`, so that official
// clients surface our message (the openai npm client throws BadRequestError, AuthenticationError, … with it).
import { EngineClosedError } from '../generate/engine.js';
import { ConfigError } from '../util/errors.js';

export type OpenAiErrorType = 'invalid_request_error' | 'authentication_error' | 'rate_limit_error' | 'server_error' | 'timeout_error';

export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    readonly type: OpenAiErrorType = status >= 500 ? 'server_error' : 'invalid_request_error',
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
  }

  get body(): { error: { message: string; type: string; param: string | null; code: string | null } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export const badRequest = (message: string, param: string | null = null, code: string | null = null) => new HttpError(400, message, 'invalid_request_error', param, code);

/**
 * The HTTP error for any failure while handling a request: null for a client that went away (nobody to tell).
 * A ConfigError (input the library rejected, e.g. a chat the template cannot render) is a 400; anything else a 500.
 */
export function toHttpError(e: unknown): HttpError | null {
  if (e instanceof HttpError) return e;
  if (e instanceof DOMException && e.name === 'TimeoutError') return new HttpError(504, "The request took longer than the server's per-request time limit.", 'timeout_error', null, 'timeout');
  if (e instanceof DOMException && e.name === 'AbortError') return null;
  if (e instanceof EngineClosedError) return new HttpError(503, 'The server is shutting down.', 'server_error', null, 'shutting_down');
  if (e instanceof ConfigError) return badRequest(e.message, e.field);
  return new HttpError(500, `Internal error: ${(e as Error)?.message ?? String(e)}`, 'server_error', null, 'internal_error');
}
