// The serving load test of `npm run bench -- generate`: a `llamats serve` process on a loopback port, first one
// streaming client alone, then N concurrent streaming clients (default 64), all over real HTTP + SSE. Reports
// aggregate completion tokens/s, time to first token and every error (HTTP status, SSE error event, a stream
// without [DONE], a dropped connection). Bounded: a fixed number of clients and tokens, a time limit.
import { spawn } from 'node:child_process';

export interface LoadResult {
  clients: number;
  /** Completion tokens/s of one client alone. */
  single: number;
  /** Completion tokens of all clients ÷ wall time from the first request to the last [DONE]. */
  aggregate: number;
  ttftP50Ms: number;
  ttftP95Ms: number;
  errors: string[];
}

interface ClientResult {
  tokens: number;
  ttftMs: number;
  error: string | null;
}

async function client(url: string, i: number, maxTokens: number): Promise<ClientResult> {
  const t0 = performance.now();
  try {
    const r = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: `Client ${i}: tell me a story.` }], stream: true, max_tokens: maxTokens, temperature: 1, seed: i, stream_options: { include_usage: true } }),
    });
    if (r.status !== 200) return { tokens: 0, ttftMs: NaN, error: `HTTP ${r.status}: ${(await r.text()).slice(0, 120)}` };
    const reader = r.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let ttft = NaN;
    let tokens = 0;
    let done = false;
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) break;
      buffer += value;
      let k;
      while ((k = buffer.indexOf('\n\n')) >= 0) {
        const data = buffer.slice(6, k);
        buffer = buffer.slice(k + 2);
        if (data === '[DONE]') { done = true; continue; }
        const j = JSON.parse(data);
        if (j.error) return { tokens, ttftMs: ttft, error: `SSE error: ${j.error.message}` };
        if (Number.isNaN(ttft) && j.choices?.[0]?.delta?.content) ttft = performance.now() - t0;
        if (j.usage) tokens = j.usage.completion_tokens;
      }
    }
    return { tokens, ttftMs: ttft, error: done ? null : 'stream ended without [DONE]' };
  } catch (e) {
    return { tokens: 0, ttftMs: NaN, error: `connection: ${(e as Error).message}` };
  }
}

const percentile = (xs: number[], p: number) => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};

/** `cli` = the argv prefix that runs llamats (compiled or under tsx). */
export async function serveLoad(cli: string[], model: string, o: { clients: number; maxTokens: number; threads: number; timeoutMs?: number }): Promise<LoadResult> {
  const server = spawn(process.execPath, [...cli, 'serve', '--model', model, '--port', '0', '--threads', String(o.threads), '--max-batch', String(o.clients), '--max-queue', String(o.clients)], {
    stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LLAMATS_QUIET: '1' },
  });
  const timer = setTimeout(() => server.kill('SIGKILL'), o.timeoutMs ?? 15 * 60_000);
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let err = '';
      server.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /on (http:\/\/127\.0\.0\.1:\d+)\//.exec(err);
        if (m) resolve(m[1]!);
      });
      server.on('exit', (code) => reject(new Error(`llamats serve exited (${code}): ${err.trim().slice(-300)}`)));
    });
    await client(url, 9999, 4); // warm-up
    let t = performance.now();
    const one = await client(url, 0, o.maxTokens);
    const single = one.tokens / ((performance.now() - t) / 1000);
    t = performance.now();
    const results = await Promise.all(Array.from({ length: o.clients }, (_, i) => client(url, i + 1, o.maxTokens)));
    const wall = (performance.now() - t) / 1000;
    const errors = [one, ...results].flatMap((r, i) => (r.error ? [`client ${i}: ${r.error}`] : []));
    return {
      clients: o.clients, single, aggregate: results.reduce((s, r) => s + r.tokens, 0) / wall,
      ttftP50Ms: percentile(results.map((r) => r.ttftMs), 50), ttftP95Ms: percentile(results.map((r) => r.ttftMs), 95), errors,
    };
  } finally {
    clearTimeout(timer);
    server.kill('SIGINT');
  }
}
