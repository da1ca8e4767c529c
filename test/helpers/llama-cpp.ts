// llama.cpp as an oracle, through node-llama-cpp (npm, prebuilt binaries), always in a CHILD process: a bad
// input can abort llama.cpp, and that must fail one test, not kill the runner. Reusable for any request
// that loads a GGUF: today tokenize/detokenize with a vocab-only load; logits parity can add an op.
//
//   const r = await llamaCpp({ model: 'x.gguf', vocabOnly: true, op: 'tokenize', texts: ['hi'], special: false });
//   if (!r.ok) t.skip(r.reason);      // binary cannot load on this machine: skip with the reason
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
  return new Promise((resolve) => {
    const script = join(tmpdir(), `llamats-llama-cpp-child-${process.pid}.mjs`);
    writeFileSync(script, CHILD);
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
        resolve(JSON.parse(line) as LlamaCppResult);
      } catch {
        resolve({ ok: false, reason: `node-llama-cpp child exited (code ${code}, signal ${signal}): ${err.trim().slice(-300)}` });
      }
    });
    child.stdin.end(JSON.stringify({ ...req, entry: import.meta.resolve('node-llama-cpp') }));
  });
}
