// `npm run bench -- train [--steps N] [--profile] [--no-infer] [--cpu]`: tokens/s of full training steps (forward, backward,
// global-norm clipping, AdamW) at the stories15M shape, B 8 × T 256, vocab 32000 (float32, and bf16 products on AMX
// where the CPU has it), beside PyTorch CPU on the same
// shape in the same run (bench/peers/train.py at full strength: OpenBLAS, tcmalloc, 2 threads; /work/shared/peers.md),
// and F32 inference prefill/decode tokens/s of stories15M and stories110M through the KV-cache decoder.
// --profile times every kernel call of one training step (which op the step's time goes to). --cpu times both
// sides by process CPU time on one thread: on a shared, oversubscribed machine wall-clock numbers measure the
// neighbours, while single-thread CPU time still compares the two implementations' work per token.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as T from '../src/tensor/index.js';
import { backendName, kernels, resetMatmulPrecision, setMatmulPrecision, setThreads } from '../src/tensor/backend.js';
import type { ModelConfig } from '../src/model/config.js';
import { initLlama, type Llama } from '../src/model/llama.js';
import { Decoder, KVCache } from '../src/model/inference.js';
import { inferenceWeightsOf } from '../src/model/weights.js';
import { stories110m, stories15m } from '../src/model/presets.js';
import { countParams } from '../src/model/params.js';
import { AdamW } from '../src/train/adamw.js';
import { clipGradNorm } from '../src/train/clip.js';
import { Rng } from '../src/util/rng.js';
import type { BenchReport, BenchRow } from './main.js'; // types only: main.js awaits this module's import

const ROOT = join(import.meta.dirname, '..', import.meta.dirname.includes('dist') ? '..' : '');
const PYTHON = '/usr/bin/python3'; // Debian's, where python3-torch lives
const TCMALLOC = '/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4';
let THREADS = Number(process.env.LLAMATS_THREADS ?? 2);
/** Seconds of the chosen clock: wall time, or this process's CPU time (user + system) with --cpu. */
let clock = (): number => performance.now() / 1000;
const cpuClock = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const B = 8;
const SEQ = 256;

function row(c: string, unit: string, llamats: number, peer: string | null, peerValue: number | null): BenchRow {
  return { case: c, unit, llamats, peer, peer_value: peerValue, ratio: peerValue ? llamats / peerValue : null };
}

/** Model FLOPs per trained token: 6 × (weights used in matmuls, classifier included) + 12·L·T·dim for attention. */
function flopsPerToken(c: ModelConfig, T_: number): number {
  const matmulWeights = countParams(c) - (c.tiedEmbeddings ? 0 : c.vocabSize * c.dim); // input embedding is a lookup
  return 6 * matmulWeights + 12 * c.nLayers * T_ * c.dim;
}

/** One optimizer step as the trainer takes it (src/train/loop.ts without data and logging). */
function trainStep(model: Llama, opt: AdamW, tokens: Int32Array, targets: Int32Array): number {
  model.params.zeroGrad();
  const loss = T.tidy(() => {
    const l = T.mean(model.tokenLosses(tokens, targets, B, SEQ));
    T.backward(l);
    return l.item();
  });
  clipGradNorm(model.params.grad, 1.0);
  opt.update(1e-3);
  return loss;
}

function randomTokens(rng: Rng, n: number, V: number): Int32Array {
  return Int32Array.from({ length: n }, () => rng.int(V));
}

/** Wraps every kernel of the active backend with a timer; returns a function that reports and resets. */
function profileKernels(): () => [string, number, number][] {
  const k = kernels() as unknown as Record<string, unknown>;
  const acc = new Map<string, { ms: number; calls: number }>();
  for (const name of Object.keys(k)) {
    const f = k[name];
    if (typeof f !== 'function') continue;
    const e = { ms: 0, calls: 0 };
    acc.set(name, e);
    k[name] = (...args: unknown[]) => {
      const t0 = performance.now();
      const r = (f as (...a: unknown[]) => unknown)(...args);
      e.ms += performance.now() - t0;
      e.calls++;
      return r;
    };
  }
  return () => {
    const out = [...acc].filter(([, e]) => e.calls > 0).map(([n, e]) => [n, e.ms, e.calls] as [string, number, number]).sort((a, b) => b[1] - a[1]);
    for (const e of acc.values()) [e.ms, e.calls] = [0, 0];
    return out;
  };
}

function benchTrain(steps: number, profile: boolean, notes: string[]): number {
  const c = stories15m();
  const model = initLlama(c, 1);
  const opt = new AdamW(model.params, { beta1: 0.9, beta2: 0.95, eps: 1e-5, weightDecay: 0.1 });
  const rng = new Rng(2);
  const batch = () => [randomTokens(rng, B * SEQ, c.vocabSize), randomTokens(rng, B * SEQ, c.vocabSize)] as const;
  trainStep(model, opt, ...batch()); // warm-up: pools, page faults, JIT
  const times: number[] = [];
  for (let s = 0; s < steps; s++) {
    const [x, y] = batch();
    const t0 = clock();
    trainStep(model, opt, x, y);
    times.push(clock() - t0);
  }
  const tokS = (B * SEQ) / (times.reduce((a, b) => a + b, 0) / times.length);
  notes.push(`llamats train steps (s): ${times.map((t) => t.toFixed(3)).join(' ')}; ${((tokS * flopsPerToken(c, SEQ)) / 1e9).toFixed(1)} GFLOP/s`);
  if (profile) {
    const report = profileKernels();
    const [x, y] = batch();
    const t0 = performance.now();
    trainStep(model, opt, x, y);
    const total = performance.now() - t0;
    const rows = report();
    const inKernels = rows.reduce((a, r) => a + r[1], 0);
    notes.push(`profile of one step: ${total.toFixed(0)} ms, ${inKernels.toFixed(0)} ms in kernels (${((100 * inKernels) / total).toFixed(0)}%), the rest in JS (graph, allocation, copies)`);
    for (const [name, ms, calls] of rows) notes.push(`  ${name.padEnd(22)} ${ms.toFixed(1).padStart(8)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${calls} calls`);
  }
  return tokS;
}

interface PeerResult { torch: string; threads: number; openblas: boolean; tcmalloc: boolean; tok_s: number; step_s: number[] }

function benchPeer(steps: number, notes: string[]): { name: string; tokS: number } | null {
  const script = join(ROOT, 'bench', 'peers', 'train.py');
  if (!existsSync(PYTHON)) {
    notes.push(`peer: ${PYTHON} not found (apt-get install python3-torch libopenblas0-openmp libtcmalloc-minimal4)`);
    return null;
  }
  const c = stories15m();
  const input = JSON.stringify({ threads: THREADS, B, T: SEQ, steps, warmup: 1, model: c, clock: clock === cpuClock ? 'cpu' : 'wall' });
  const env = { ...process.env, OMP_NUM_THREADS: String(THREADS), ...(existsSync(TCMALLOC) ? { LD_PRELOAD: TCMALLOC } : {}) };
  const r = spawnSync(PYTHON, [script], { input, env, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    notes.push(`peer failed: ${(r.stderr || r.error?.message || '').trim().split('\n').at(-1)}`);
    return null;
  }
  const p = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as PeerResult;
  const setup = `pytorch ${p.torch}${p.openblas ? ' openblas' : ' NO-OPENBLAS'}${p.tcmalloc ? ' tcmalloc' : ''}, ${p.threads} threads`;
  notes.push(`peer (${setup}) steps (s): ${p.step_s.map((t) => t.toFixed(3)).join(' ')}`);
  if (!p.openblas) notes.push('WARNING: torch is not using OpenBLAS (install libopenblas0-openmp): the peer is ~50× too slow');
  return { name: setup, tokS: p.tok_s };
}

/** Prefill `prompt` tokens, then decode `gen` tokens one at a time; tokens/s of each phase (best of 3). */
function benchInference(c: ModelConfig, prompt: number, gen: number): { prefill: number; decode: number } {
  const model = initLlama({ ...c, maxSeqLen: prompt + gen }, 3);
  const decoder = new Decoder(model.config, inferenceWeightsOf(model));
  const cache = new KVCache(model.config);
  const rng = new Rng(4);
  const ids = Array.from(randomTokens(rng, prompt, c.vocabSize));
  let prefill = 0;
  let decode = 0;
  for (let rep = 0; rep < 3; rep++) {
    cache.reset();
    let t0 = clock();
    decoder.forward(ids, cache);
    prefill = Math.max(prefill, prompt / (clock() - t0));
    t0 = clock();
    for (let i = 0; i < gen; i++) decoder.forward([ids[i % prompt]!], cache);
    decode = Math.max(decode, gen / (clock() - t0));
  }
  return { prefill, decode };
}

export async function run(args: string[]): Promise<BenchReport> {
  const at = args.indexOf('--steps');
  const steps = at >= 0 ? Number(args[at + 1]) : 3;
  const profile = args.includes('--profile') || process.env.LLAMATS_PROFILE === '1';
  if (args.includes('--cpu')) clock = cpuClock;
  THREADS = setThreads(args.includes('--cpu') ? 1 : THREADS);
  const notes: string[] = [`backend ${backendName()}, ${THREADS} thread(s), ${clock === cpuClock ? 'process CPU time' : 'wall clock'}; stories15M shape B ${B} × T ${SEQ}, vocab 32000, tied classifier`];
  const rows: BenchRow[] = [];
  const ours = benchTrain(steps, profile, notes);
  const peer = benchPeer(steps, notes);
  rows.push(row('train stories15m B8×T256 (fwd+bwd+clip+AdamW)', 'tokens/s', ours, peer?.name ?? null, peer?.tokS ?? null));
  // Mixed precision (train config `matmulPrecision: "bf16"`) where the CPU has AMX; the peer stays float32.
  if (setMatmulPrecision('bf16') === 'bf16') {
    const bf16 = benchTrain(steps, false, notes);
    rows.push(row('train stories15m B8×T256, matmulPrecision bf16 (AMX)', 'tokens/s', bf16, peer ? `${peer.name}, float32` : null, peer?.tokS ?? null));
  }
  resetMatmulPrecision();
  if (!args.includes('--no-infer')) {
    for (const [name, c] of [['stories15m', stories15m()], ['stories110m', stories110m()]] as const) {
      const r = benchInference(c, 128, 64);
      rows.push(row(`prefill ${name} F32, 128 tokens`, 'tokens/s', r.prefill, null, null));
      rows.push(row(`decode ${name} F32, 64 tokens`, 'tokens/s', r.decode, null, null));
    }
  }
  return { bench: 'train', rows, notes };
}
