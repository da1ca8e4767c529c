// `npm run bench -- generate [--threads N] [--reps R] [--shapes stories15m,stories110m] [--types f32,q8_0,q4_0]
//                            [--no-build] [--no-node-llama-cpp] [--clients 64] [--no-serve] [--cpu]`
// Inference speed of llamats beside llama.cpp on the same GGUF files, same threads, in the same run:
// prefill tok/s of a 128-token prompt (pp128) and decode tok/s of 64 tokens (tg64), each row llamats ÷ llama.cpp.
// The peer is native llama-bench (bench/peers/llama-bench.ts); node-llama-cpp is reported beside it in the notes.
// Models: the stories15M and stories110M shapes (llama2.c) with random weights and the Llama 2 vocabulary, written
// by llamats's GGUF writer in F32, Q8_0 and Q4_0 (cached in the OS temp dir). Each measurement runs in its own
// process (`llamats bench --json`, `llama-bench -o json`), alternating, so both see the same machine.
// The decode bound is memory bandwidth ÷ weight bytes read per token (streamSum over a buffer of the same size).
// --cpu (for a machine busy with other work): one thread each, timed by CPU time — llamats by process.cpuUsage,
// llama-bench by /usr/bin/time over runs with 1 and 1 + reps repetitions (the difference cancels loading and warm-up).
// Last, the serving load test (serve-load.ts): 64 concurrent streaming clients on `llamats serve`, aggregate tok/s.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchReport, BenchRow } from './main.js';
import { ensureLlamaBench, runLlamaBench, runLlamaBenchCpu } from './peers/llama-bench.js';
import { runNodeLlamaCpp } from './peers/node-llama-cpp-speed.js';
import { serveLoad } from './serve-load.js';
import { readGguf } from '../src/io/gguf/read.js';
import { cpuClock } from '../src/generate/bench.js';
import { initLlama } from '../src/model/llama.js';
import { saveTrainedModel } from '../src/model/load.js';
import { PRESETS } from '../src/model/presets.js';
import { nativeAddon } from '../src/tensor/native.js';
import { loadTokenizer } from '../src/tokenizer/load.js';
import { Rng } from '../src/util/rng.js';

const PROMPT = 128;
const GEN = 64;
const TYPES = ['f32', 'q8_0', 'q4_0'] as const;
type BenchType = (typeof TYPES)[number];

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

/** The model file for a shape and type, written once (deterministic: seed 1, Llama 2 vocabulary). */
function modelFile(root: string, shape: string, type: BenchType): string {
  const dir = join(tmpdir(), 'llamats-bench-generate');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${shape}-${type}.gguf`);
  if (!existsSync(file)) {
    process.stderr.write(`generate bench: writing ${file}\n`);
    const tok = loadTokenizer(join(root, 'test', 'fixtures', 'vocab', 'ggml-vocab-llama-spm.gguf'));
    saveTrainedModel(file, initLlama(PRESETS[shape]!(), 1), tok, { type, name: `${shape}-random` });
  }
  return file;
}

/** Bytes of weights a decode step reads: every tensor once (the tied classifier is the embedding, read in full). */
function weightBytes(file: string): number {
  const g = readGguf(file);
  return g.tensors.reduce((s, t) => s + t.byteLength, 0) || statSync(file).size;
}

/** The argv prefix that runs the llamats CLI the way this file runs: compiled (npm run bench) or under tsx. */
function cliArgs(root: string): string[] {
  return fileURLToPath(import.meta.url).includes(`${join('dist', 'bench')}`)
    ? [join(root, 'bin', 'llamats.js')]
    : ['--import', 'tsx', join(root, 'test', 'helpers', 'run-cli.ts')];
}

function llamatsBench(root: string, model: string, threads: number, reps: number, cpu: boolean): { prefill: number; decode: number; generate: number | null } | { reason: string } {
  const r = spawnSync(process.execPath, [...cliArgs(root), 'bench', '--model', model, '--threads', String(threads), '--reps', String(reps),
    '--prompt-tokens', String(PROMPT), '--gen-tokens', String(GEN), '--json', ...(cpu ? ['--cpu'] : [])], { encoding: 'utf8', env: { ...process.env, LLAMATS_QUIET: '1' }, maxBuffer: 16 << 20 });
  if (r.status !== 0) return { reason: (r.stderr || `exit ${r.status}`).trim().split('\n').pop()!.slice(0, 200) };
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!);
  return { prefill: j.prefill_tok_s, decode: j.decode_tok_s, generate: j.generate_tok_s };
}

/** Streaming-read bandwidth over a buffer of `bytes` of non-zero data, best of 5 (GB/s; by CPU time with cpu). */
function bandwidth(bytes: number, threads: number, cpu: boolean): number | null {
  const addon = nativeAddon();
  const streamSum = addon?.streamSum as ((x: Float32Array) => number) | undefined;
  if (!addon || !streamSum) return null;
  addon.setThreads(threads);
  const rng = new Rng(3);
  const x = new Float32Array(Math.max(1 << 20, Math.floor(bytes / 4)));
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform() + 0.5; // zero pages would fake the bandwidth
  const now = cpu ? cpuClock : () => performance.now();
  let best = 0;
  for (let i = 0; i < 5; i++) {
    const t = now();
    streamSum(x);
    best = Math.max(best, x.byteLength / ((now() - t) / 1000) / 1e9);
  }
  return best;
}

export async function run(args: string[]): Promise<BenchReport> {
  const root = repoRoot();
  const cpu = args.includes('--cpu');
  const threads = cpu ? 1 : Number(flag(args, 'threads') ?? nativeAddon()?.info().physicalCores ?? 2);
  const reps = Number(flag(args, 'reps') ?? 5);
  const shapes = (flag(args, 'shapes') ?? 'stories15m,stories110m').split(',');
  const types = (flag(args, 'types') ?? TYPES.join(',')).split(',') as BenchType[];
  const log = (s: string) => process.stderr.write(s);
  const load0 = loadavg()[0]!;
  const peer = ensureLlamaBench(root, !args.includes('--no-build'), log);
  const peerName = 'path' in peer ? `llama.cpp llama-bench, native build, ${threads} thread${threads > 1 ? 's' : ''}${cpu ? ', CPU time' : ''}` : null;
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  if (!('path' in peer)) notes.push(`llama.cpp peer unavailable: ${peer.reason}`);
  const vsRow = (c: string, v: number, p: number | null): BenchRow => ({ case: c, unit: 'tok/s', llamats: v, peer: p === null ? null : peerName, peer_value: p, ratio: p ? v / p : null });

  for (const shape of shapes) {
    for (const type of types) {
      const model = modelFile(root, shape, type);
      const name = `${shape} ${type.toUpperCase()}`;
      log(`generate bench: ${name} …\n`);
      const ours = llamatsBench(root, model, threads, reps, cpu);
      const theirs = !('path' in peer) ? null
        : cpu ? runLlamaBenchCpu(peer.path, model, { promptTokens: PROMPT, genTokens: GEN, reps })
        : runLlamaBench(peer.path, model, { threads, promptTokens: PROMPT, genTokens: GEN, reps });
      const nlc = args.includes('--no-node-llama-cpp') || cpu ? null : runNodeLlamaCpp(model, { threads, promptTokens: PROMPT, genTokens: GEN, reps: Math.min(reps, 3), vocab: 32000 });
      if ('reason' in ours) {
        notes.push(`${name}: llamats n/a (${ours.reason})`);
        continue;
      }
      const peerOk = theirs && !('reason' in theirs) ? theirs : null;
      if (theirs && 'reason' in theirs) notes.push(`${name}: llama-bench failed: ${theirs.reason}`);
      rows.push(vsRow(`${name} prefill pp${PROMPT}`, ours.prefill, peerOk?.prefill?.mean ?? null));
      rows.push(vsRow(`${name} decode tg${GEN}`, ours.decode, peerOk?.decode?.mean ?? null));
      const bytes = weightBytes(model);
      const bw = bandwidth(bytes, threads, cpu);
      const bound = bw ? (bw * 1e9) / bytes : null;
      notes.push(`${name}: weights ${(bytes / 2 ** 20).toFixed(1)} MiB/token` +
        (bound ? `, stream read ${bw!.toFixed(1)} GB/s → decode bound ${bound.toFixed(0)} tok/s; llamats at ${((100 * ours.decode) / bound).toFixed(0)}%` +
          (peerOk?.decode ? `, llama.cpp at ${((100 * peerOk.decode.mean) / bound).toFixed(0)}%` : '') : '') +
        (ours.generate ? `; llamats end-to-end generate (sampling + streaming) ${ours.generate.toFixed(0)} tok/s` : '') +
        (nlc && !('reason' in nlc) ? `; node-llama-cpp (in-process) ${nlc.prefill.toFixed(0)} / ${nlc.decode.toFixed(0)} tok/s prefill / decode` : nlc ? `; node-llama-cpp n/a (${nlc.reason})` : ''));
    }
  }
  if (!args.includes('--no-serve')) {
    const clients = Number(flag(args, 'clients') ?? 64);
    const model = modelFile(root, shapes[0]!, types[0]!);
    log(`generate bench: serving load test, ${clients} streaming clients on ${shapes[0]} ${types[0]!.toUpperCase()} …\n`);
    try {
      const r = await serveLoad(cliArgs(root), model, { clients, maxTokens: GEN, threads });
      const name = `serve ${shapes[0]} ${types[0]!.toUpperCase()}`;
      rows.push({ case: `${name}: ${clients} concurrent streams, aggregate`, unit: 'tok/s', llamats: r.aggregate, peer: null, peer_value: null, ratio: null });
      rows.push({ case: `${name}: 1 stream`, unit: 'tok/s', llamats: r.single, peer: null, peer_value: null, ratio: null });
      notes.push(`serving load: ${clients} concurrent SSE clients × ${GEN} tokens over loopback, ${r.errors.length} errors` +
        `${r.errors.length ? ` (${r.errors.slice(0, 3).join('; ')})` : ''}; time to first token p50 ${r.ttftP50Ms.toFixed(0)} ms, p95 ${r.ttftP95Ms.toFixed(0)} ms`);
    } catch (e) {
      notes.push(`serving load test failed: ${(e as Error).message}`);
    }
  }
  if (peerOk(peer)) notes.push(`llama.cpp: ${peer.path}`);
  if (cpu) notes.push('--cpu: one thread each, tokens per CPU-second (node-llama-cpp not run: it times by the wall clock)');
  notes.push(`threads ${threads}, reps ${reps}; load average ${load0.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end (benchmarks need a quiet machine)`);
  return { bench: 'generate', rows, notes };
}

const peerOk = (p: { path: string } | { reason: string }): p is { path: string } => 'path' in p;
