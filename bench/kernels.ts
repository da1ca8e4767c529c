// `npm run bench -- kernels [--threads N] [--quick] [--cpu]`: the non-GEMM kernels, native against the TypeScript
// reference (the "peer" column) in the same run. --cpu times by process CPU time instead of wall clock: with
// --threads 1 it measures the kernels themselves on a machine shared with other work. Attention at the stories15M training shape (B 8, T 256, H 6,
// hd 48) and at a decode step; softmax and fused cross-entropy over a 32000-token vocabulary (N 2048); the
// per-call cost of a tiny kernel; rmsnorm, swiglu and AdamW at stories15M sizes.
// Each value is the median of several timed runs (wall clock); the reference runs once on the big cases.
import type { BenchReport, BenchRow } from './main.js'; // types only: main.js awaits this module's import
import type { AttentionDims, Kernels } from '../src/tensor/kernels.js';
import { nativeAddon } from '../src/tensor/native.js';
import { nativeKernels } from '../src/tensor/native-kernels.js';
import { refKernels } from '../src/tensor/ref/index.js';
import { Rng } from '../src/util/rng.js';

function row(c: string, unit: string, llamats: number, peer: string | null, peerValue: number | null): BenchRow {
  return { case: c, unit, llamats, peer, peer_value: peerValue, ratio: peerValue ? llamats / peerValue : null };
}

function randn(rng: Rng, n: number, s = 1): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = s * rng.normal();
  return x;
}

let useCpuTime = false;
const now = (): number => {
  if (!useCpuTime) return performance.now() / 1000;
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Median seconds of `reps` runs of fn (after one warm-up run). */
function time(fn: () => void, reps: number): number {
  fn();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = now();
    fn();
    t.push(now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)]!;
}

/** Causal (query, key) pairs: B·H·Σ_t (past + t + 1). */
const causalPairs = (d: AttentionDims) => d.B * d.H * (d.T * (d.S - d.T) + (d.T * (d.T + 1)) / 2);

function attention(nk: Kernels | null, rows: BenchRow[], quick: boolean): void {
  const rng = new Rng(1);
  const d: AttentionDims = { B: 8, T: 256, S: 256, H: 6, KVH: 6, headDim: 48, scale: 1 / Math.sqrt(48) };
  const n = d.B * d.T * d.H * d.headDim;
  const q = randn(rng, n), k = randn(rng, n), v = randn(rng, n), dout = randn(rng, n);
  const out = new Float32Array(n), lse = new Float32Array(d.B * d.H * d.T);
  const dq = new Float32Array(n), dk = new Float32Array(n), dv = new Float32Array(n);
  // FLOPs: forward 2 products (Q·Kᵀ, P·V), backward 5 (Q·Kᵀ again, dO·Vᵀ, Pᵀ·dO, dS·K, dSᵀ·Q), 2·hd each pair.
  const pairs = causalPairs(d), fwdFlop = 4 * d.headDim * pairs, bwdFlop = 10 * d.headDim * pairs;
  const run = (kern: Kernels, reps: number) => ({
    fwd: time(() => kern.attentionForward(out, lse, q, k, v, null, d), reps),
    bwd: time(() => kern.attentionBackward(dq, dk, dv, dout, q, k, v, out, lse, null, d), reps),
  });
  const ref = quick ? null : run(refKernels, 1);
  const nat = nk ? run(nk, quick ? 3 : 15) : null;
  const shape = 'B8 T256 H6 hd48';
  const gf = (flop: number, s: number) => flop / s / 1e9;
  if (nat) {
    rows.push(row(`attention fwd ${shape} (${(nat.fwd * 1e3).toFixed(2)} ms)`, 'GFLOP/s', gf(fwdFlop, nat.fwd), ref ? 'TS reference' : null, ref ? gf(fwdFlop, ref.fwd) : null));
    rows.push(row(`attention bwd ${shape} (${(nat.bwd * 1e3).toFixed(2)} ms)`, 'GFLOP/s', gf(bwdFlop, nat.bwd), ref ? 'TS reference' : null, ref ? gf(bwdFlop, ref.bwd) : null));
    rows.push(row(`attention fwd+bwd ${shape} (${((nat.fwd + nat.bwd) * 1e3).toFixed(2)} ms)`, 'GFLOP/s', gf(fwdFlop + bwdFlop, nat.fwd + nat.bwd), ref ? 'TS reference' : null, ref ? gf(fwdFlop + bwdFlop, ref.fwd + ref.bwd) : null));
  }
  // One decode step of a Llama-3-8B-shaped layer: 32 query heads on 8 kv heads, hd 128, 1024 cached positions.
  const dd: AttentionDims = { B: 1, T: 1, S: 1024, H: 32, KVH: 8, headDim: 128, scale: 1 / Math.sqrt(128), kvBatchStride: 4096 * 8 * 128 };
  const kc = randn(rng, 4096 * 8 * 128), vc = randn(rng, 4096 * 8 * 128), qd = randn(rng, 32 * 128), od = new Float32Array(32 * 128);
  const decRef = quick ? null : time(() => refKernels.attentionForward(od, null, qd, kc, vc, null, dd), 3);
  if (nk) {
    const s = time(() => nk.attentionForward(od, null, qd, kc, vc, null, dd), 200);
    rows.push(row(`attention decode S1024 H32/8 hd128 (${(s * 1e6).toFixed(1)} µs)`, 'calls/s', 1 / s, decRef ? 'TS reference' : null, decRef ? 1 / decRef : null));
  }
}

function rowsOf(nk: Kernels | null, rows: BenchRow[], quick: boolean): void {
  const rng = new Rng(2);
  const N = quick ? 256 : 2048, V = 32000;
  const logits = randn(rng, N * V, 3), out = new Float32Array(N * V);
  const targets = Int32Array.from({ length: N }, () => rng.int(V));
  const losses = new Float32Array(N), lse = new Float32Array(N), dloss = new Float32Array(N).fill(1 / N);
  const bytes = N * V * 4;
  const cases: [string, number, (kern: Kernels) => void][] = [
    ['softmax fwd', 2 * bytes, (kern) => kern.softmaxForward(out, logits, { N, C: V })],
    ['cross-entropy fwd', bytes, (kern) => kern.crossEntropyForward(losses, lse, logits, targets, { N, V, ignoreIndex: -100 })],
    ['cross-entropy bwd', 2 * bytes, (kern) => kern.crossEntropyBackward(out, logits, lse, targets, dloss, { N, V, ignoreIndex: -100 })],
  ];
  for (const [name, b, fn] of cases) {
    const ref = quick ? null : time(() => fn(refKernels), 1);
    if (nk) rows.push(row(`${name} N${N} V${V}`, 'GB/s', b / time(() => fn(nk), 5) / 1e9, ref ? 'TS reference' : null, ref ? b / ref / 1e9 : null));
  }
}

function small(nk: Kernels | null, rows: BenchRow[], quick: boolean): void {
  const rng = new Rng(3);
  const N = 2048, C = 288, F = 768, P = 15_191_712; // stories15M: dim 288, hidden 768, parameters
  const x = randn(rng, N * C), w = randn(rng, C), o = new Float32Array(N * C), rstd = new Float32Array(N), dw = new Float32Array(C);
  const g = randn(rng, N * F), u = randn(rng, N * F), h = new Float32Array(N * F);
  const cases: [string, number, number, (kern: Kernels) => void][] = [
    // name, logical bytes moved, reps, run
    [`rmsnorm fwd+bwd N${N} C${C}`, 4 * N * C * 5, 50, (kern) => {
      kern.rmsnormForward(o, rstd, x, w, { N, C, eps: 1e-5 });
      kern.rmsnormBackward(o, dw, x, x, w, rstd, { N, C });
    }],
    [`swiglu fwd+bwd N${N} F${F}`, 4 * N * F * 7, 20, (kern) => {
      kern.swigluForward(h, g, u, N * F);
      kern.swigluBackward(h, h, u, g, u, N * F);
    }],
  ];
  if (!quick) {
    const p = randn(rng, P), gr = randn(rng, P), m = new Float32Array(P), v = new Float32Array(P);
    let step = 0;
    const hyper = () => ({ lr: 1e-3, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, step: ++step });
    cases.push([`adamw n${P}`, 4 * P * 7, 5, (kern) => kern.adamw(p, gr, m, v, P, hyper())]);
  }
  for (const [name, bytes, reps, fn] of cases) {
    const ref = quick ? null : time(() => fn(refKernels), 1);
    if (nk) rows.push(row(name, 'GB/s', bytes / time(() => fn(nk), reps) / 1e9, ref ? 'TS reference' : null, ref ? bytes / ref / 1e9 : null));
  }
}

/** Per-call cost of a kernel on 1 element: the fixed N-API price every decode-time kernel pays. */
function overhead(nk: Kernels | null, rows: BenchRow[]): void {
  const addon = nativeAddon();
  if (!nk || !addon) return;
  const a = new Float32Array(1), w = new Float32Array(1), r = new Float32Array(1);
  const calls = 200_000;
  const per = (fn: () => void) => time(() => {
    for (let i = 0; i < calls; i++) fn();
  }, 5) / calls;
  const add = addon.add as (o: Float32Array, x: Float32Array, y: Float32Array, n: number) => void;
  const rms = addon.rmsnormForward as (o: Float32Array, r: Float32Array, x: Float32Array, w: Float32Array, N: number, C: number, eps: number) => void;
  const d = { N: 1, C: 1, eps: 1e-5 };
  rows.push(row('call: addon.add(4 args), n=1', 'Mcalls/s', 1e-6 / per(() => add(a, a, a, 1)), null, null));
  rows.push(row('call: addon.rmsnormForward(7 args), N=C=1', 'Mcalls/s', 1e-6 / per(() => rms(a, r, a, w, 1, 1, 1e-5)), null, null));
  rows.push(row('call: kernels().rmsnormForward(dims object), N=C=1', 'Mcalls/s', 1e-6 / per(() => nk.rmsnormForward(a, r, a, w, d)), null, null));
  // The GEMM binding reads a dims object through N-API (napi Get per property): the price positional
  // arguments avoid.
  if (typeof addon.matmul === 'function') {
    const mm = { M: 1, K: 1, N: 1, transA: false, transB: false, accumulate: false };
    const matmul = addon.matmul as (c: Float32Array, x: Float32Array, y: Float32Array, dims: typeof mm) => void;
    rows.push(row('call: addon.matmul(dims object of 6), 1×1×1', 'Mcalls/s', 1e-6 / per(() => matmul(r, a, w, mm)), null, null));
  }
}

export async function run(args: string[]): Promise<BenchReport> {
  const quick = args.includes('--quick');
  useCpuTime = args.includes('--cpu');
  const ti = args.indexOf('--threads');
  const addon = nativeAddon();
  if (addon && ti >= 0) addon.setThreads(Number(args[ti + 1]));
  const nk = addon ? nativeKernels(addon) : null;
  const rows: BenchRow[] = [];
  attention(nk, rows, quick);
  rowsOf(nk, rows, quick);
  small(nk, rows, quick);
  overhead(nk, rows);
  const info = addon?.info();
  return {
    bench: 'kernels',
    rows,
    notes: [
      info ? `native ${info.isa}, ${info.threads} threads; peer = the TypeScript reference (float64, 1 thread)` : 'native addon not built: no llamats values',
      useCpuTime ? 'timed by process CPU time (--cpu), not wall clock' : 'timed by wall clock',
      'attention FLOPs count causal pairs only: forward 4·hd, backward 10·hd per (query, key) pair',
      'GB/s count each array once per pass it needs logically (softmax: read + write; cross-entropy fwd: read)',
    ],
  };
}
