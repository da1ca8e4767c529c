// Optional bearer-token check (`--api-key`). Compared in constant time over SHA-256 digests, so neither the
// content nor the length of the key leaks through timing.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './errors.js';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export function apiKeyChecker(key: string | null): (req: IncomingMessage) => void {
  if (key === null) return () => {};
  const want = digest(key);
  return (req) => {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(header);
    if (!m || !timingSafeEqual(digest(m[1]!.trim()), want)) {
      throw new HttpError(401, m ? 'Incorrect API key provided.' : 'Missing API key: send "Authorization: Bearer <key>".', 'invalid_request_error', null, 'invalid_api_key');
    }
  };
}
