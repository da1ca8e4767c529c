// llama.cpp as an oracle, through node-llama-cpp (npm, prebuilt binaries), always in a CHILD process: a bad
// input can abort llama.cpp, and that must fail one test, not kill the runner. Reusable for any request
// that loads a GGUF: tokenize/detokenize with a vocab-only load, and the logits of token sequences.
//
//   const r = await llamaCpp({ model: 'x.gguf', vocabOnly: true, op: 'tokenize', texts: ['hi'], special: false });
//   if (!r.ok) t.skip(r.reason);      // binary cannot load on this machine: skip with the reason
//   const l = await llamaCppLogits([{ model: 'x.gguf', sequences: [[1, 77, 200]] }]);   // last-token logits
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type LlamaCppRequest =
  | { model: string; vocabOnly: true; op: 'tokenize'; texts: string[]; special: boolean }
  | { model: string; vocabOnly: true; op: 'detokenize'; ids: number[][]; special: boolean };

export type LlamaCppResult = { ok: true; tokens?: number[][]; texts?: string[] } | { ok: false; reason: string };

// The child: reads one JSON request on stdin, answers one JSON line on stdout. It runs from a file (node-llama-cpp
// re-spawns node with the parent's argv to test its binary, which fails under \`node -e\`) and imports
// node-llama-cpp by the absolute URL resolved here.
const CHILD = `
const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const req = JSON.parse(Buffer.concat(chunks).toString('utf8'));
let llama, model;
try {
  const { getLlama } = await import(req.entry);
  llama = await getLlama({ gpu: false, build: 'never', logLevel: 'error', progressLogs: false });
  model = await llama.loadModel({ modelPath: req.model, vocabOnly: req.vocabOnly });
} catch (e) {
  process.stdout.write(JSON.stringify({ ok: false, reason: 'node-llama-cpp cannot load: ' + (e && e.message) }) + '\\n');
  process.exit(0);
}
const out = { ok: true };
if (req.op === 'tokenize') out.tokens = req.texts.map((t) => Array.from(model.tokenize(t, req.special)));
else out.texts = req.ids.map((ids) => model.detokenize(ids, req.special));
process.stdout.write(JSON.stringify(out) + '\\n');
await model.dispose();
process.exit(0);
`;

export function llamaCpp(req: LlamaCppRequest, timeoutMs = 120_000): Promise<LlamaCppResult> {
  return runChild<LlamaCppResult>('tokens', CHILD, req, timeoutMs);
}

// The logits child: every model in turn, every sequence evaluated from an empty context (one batch), the raw
// logits of its last position back as base64 float32 (exact). K/V caches are F32 (llama.cpp's default F16
// cache rounds keys and values, an error of its own that parity tests should not have to absorb) and flash
// attention is off, so the difference from llamats is the matmuls alone.
const LOGITS_CHILD = `
const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const req = JSON.parse(Buffer.concat(chunks).toString('utf8'));
let llama;
try {
  const { getLlama } = await import(req.entry);
  llama = await getLlama({ gpu: false, build: 'never', logLevel: 'error', progressLogs: false });
} catch (e) {
  process.stdout.write(JSON.stringify({ ok: false, reason: 'node-llama-cpp cannot load: ' + (e && e.message) }) + '\\n');
  process.exit(0);
}
const models = [];
for (const m of req.models) {
  try {
    const model = await llama.loadModel({ modelPath: m.model });
    const longest = Math.max(...m.sequences.map((s) => s.length));
    const ctx = await model.createContext({
      // Room beyond the longest sequence: a full context makes node-llama-cpp shift it (drop early tokens).
      contextSize: longest + 64, batchSize: longest + 64, threads: req.threads, flashAttention: false,
      experimentalKvCacheKeyType: 'F32', experimentalKvCacheValueType: 'F32',
    });
    const seq = ctx.getSequence();
    const logits = [];
    for (const tokens of m.sequences) {
      await seq.clearHistory();
      const items = tokens.map((t, i) => (i === tokens.length - 1 ? [t, { generateNext: { logits: true } }] : t));
      const out = await seq.controlledEvaluate(items);
      const map = out[tokens.length - 1].next.logits;
      const v = new Float32Array(map.size);
      for (const [id, x] of map) v[id] = x;
      logits.push(Buffer.from(v.buffer).toString('base64'));
    }
    models.push({ ok: true, logits });
    await ctx.dispose();
    await model.dispose();
  } catch (e) {
    models.push({ ok: false, reason: String(e && e.message) });
  }
}
// A pipe takes megabytes asynchronously: exit only once they are written.
process.stdout.write(JSON.stringify({ ok: true, models }) + '\\n', () => process.exit(0));
`;

export type LlamaCppLogitsResult =
  | { ok: true; models: ({ ok: true; logits: Float32Array[] } | { ok: false; reason: string })[] }
  | { ok: false; reason: string };

/**
 * The logits llama.cpp computes for the LAST token of each sequence (token ids, no BOS added), per model.
 * A model llama.cpp refuses gives { ok: false, reason } in its slot; a missing binary gives ok: false overall.
 */
export async function llamaCppLogits(models: { model: string; sequences: number[][] }[], opts: { threads?: number; timeoutMs?: number } = {}): Promise<LlamaCppLogitsResult> {
  type Raw = { ok: true; models: ({ ok: true; logits: string[] } | { ok: false; reason: string })[] } | { ok: false; reason: string };
  const raw = await runChild<Raw>('logits', LOGITS_CHILD, { models, threads: opts.threads ?? 2 }, opts.timeoutMs ?? 300_000);
  if (!raw.ok) return raw;
  return {
    ok: true,
    models: raw.models.map((m) => (m.ok ? { ok: true as const, logits: m.logits.map((b) => new Float32Array(new Uint8Array(Buffer.from(b, 'base64')).buffer)) } : m)),
  };
}

function runChild<T>(tag: string, source: string, req: object, timeoutMs: number): Promise<T | { ok: false; reason: string }> {
  return new Promise((resolve) => {
    const script = join(tmpdir(), `llamats-llama-cpp-${tag}-${process.pid}.mjs`);
    writeFileSync(script, source);
    const child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => { out += d.toString('utf8'); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString('utf8'); });
    child.on('error', (e) => { clearTimeout(timer); resolve({ ok: false, reason: `cannot start node: ${e.message}` }); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as T);
      } catch {
        resolve({ ok: false, reason: `node-llama-cpp child exited (code ${code}, signal ${signal}): ${err.trim().slice(-300)}` });
      }
    });
    child.stdin.end(JSON.stringify({ ...req, entry: import.meta.resolve('node-llama-cpp') }));
  });
}
