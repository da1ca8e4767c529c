// node-llama-cpp (in-process llama.cpp from Node) on the same model, measured like llama-bench: prefill of P
// random tokens on an empty context, then G decode steps. Reported beside native llama-bench only (peers.md:
// its decode is 1.6–10× below llama-bench on 2 cores, so it would flatter us as the peer). Runs in a child
// process: a model it cannot load must not take the benchmark down.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const CHILD = `
const req = JSON.parse(process.argv[2]);
const { getLlama } = await import(req.entry);
const llama = await getLlama({ gpu: false, build: 'never', logLevel: 'error', progressLogs: false });
const model = await llama.loadModel({ modelPath: req.model });
const ctx = await model.createContext({ contextSize: 256, batchSize: 256, threads: req.threads });
const seq = ctx.getSequence();
let x = 12345;
const rand = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) % (req.vocab - 300) + 300;
const best = { prefill: 0, decode: 0 };
for (let rep = 0; rep <= req.reps; rep++) {
  await seq.clearHistory();
  const prompt = Array.from({ length: req.promptTokens }, rand);
  let t = performance.now();
  await seq.evaluateWithoutGeneratingNewTokens(prompt);
  const pp = req.promptTokens / (performance.now() - t) * 1000;
  await seq.clearHistory();
  let n = 0;
  t = performance.now();
  for await (const _ of seq.evaluate([rand()], { temperature: 0 })) if (++n >= req.genTokens) break;
  const tg = req.genTokens / (performance.now() - t) * 1000;
  if (rep > 0) { best.prefill += pp / req.reps; best.decode += tg / req.reps; }
}
process.stdout.write(JSON.stringify(best) + '\\n');
process.exit(0);
`;

export function runNodeLlamaCpp(model: string, o: { threads: number; promptTokens: number; genTokens: number; reps: number; vocab: number }): { prefill: number; decode: number } | { reason: string } {
  let entry: string;
  try {
    entry = pathToFileURL(createRequire(import.meta.url).resolve('node-llama-cpp')).href;
  } catch {
    return { reason: 'node-llama-cpp is not installed' };
  }
  const script = join(tmpdir(), `llamats-nlc-speed-${process.pid}.mjs`);
  writeFileSync(script, CHILD);
  const r = spawnSync(process.execPath, [script, JSON.stringify({ ...o, entry, model })], { encoding: 'utf8', timeout: 20 * 60_000, maxBuffer: 16 << 20 });
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
  } catch {
    return { reason: `node-llama-cpp child exited ${r.status ?? r.signal}: ${(r.stderr ?? '').trim().slice(-300)}` };
  }
}
