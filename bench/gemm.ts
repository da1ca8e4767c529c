// `npm run bench -- gemm [--rounds N] [--threads N] [--quick] [--cpu]`: GFLOP/s of the native matmul beside
// PyTorch CPU (bench/peers/gemm.py: Debian python3-torch 1.13 on OpenBLAS, tcmalloc preloaded, same thread count;
// /work/shared/peers.md) in the same run, on the products llamats makes:
// - training shapes (M, K, N) = (2048, 288, 768), (2048, 768, 288), (2048, 288, 32000), (512, 4096, 4096):
//   forward y = x·Wᵀ (NT), and their backward products dX = dY·W (NN, M×N·N×K) and dW += dYᵀ·X (TN, N×M·M×K);
// - decode: y = W·x with W 4096×4096 (GEMV, M = 1; batched M = 4, 16), reported also as the share of the read
//   bandwidth that a plain streaming read of the same 64 MB reaches (addon.streamSum, non-zero data);
// - the cost of one small decode call (1×288×768);
// - where AMX is usable, the opt-in bf16 path on the forward shapes (against PyTorch's float32) and its error.
// Rounds alternate llamats and the peer, and each case keeps its best round, so load from other processes
// hits both sides alike. --cpu times by thread CPU time (use with --threads 1 on a busy machine).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';

import type { BenchReport, BenchRow } from './main.js'; // types only: main.js awaits this module's import
import { nativeAddon } from '../src/tensor/native.js';
import { Rng } from '../src/util/rng.js';

const ROOT = join(import.meta.dirname, '..', import.meta.dirname.includes('dist') ? '..' : '');
const PYTHON = '/usr/bin/python3'; // Debian's, where python3-torch lives
const TCMALLOC = '/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4';

type Layout = 'NT' | 'NN' | 'TN';
interface Case {
  case: string;
  M: number;
  K: number;
  N: number;
  layout: Layout;
}

type Positional = (
  c: Float32Array, a: Float32Array, b: Float32Array, M: number, K: number, N: number, transA: boolean, transB: boolean, accumulate: boolean,
  batch?: number, strideA?: number, strideB?: number, strideC?: number, precision?: 'f32' | 'bf16',
) => void;

function row(c: string, unit: string, llamats: number, peer: string | null, peerValue: number | null): BenchRow {
  return { case: c, unit, llamats, peer, peer_value: peerValue, ratio: peerValue ? llamats / peerValue : null };
}

function cases(quick: boolean): Case[] {
  const train: [number, number, number][] = quick ? [[2048, 288, 768]] : [[2048, 288, 768], [2048, 768, 288], [2048, 288, 32000], [512, 4096, 4096]];
  // The small call first: later cases allocate hundreds of MB, and V8's background GC threads would count in
  // the process CPU time of --cpu runs.
  const out: Case[] = [{ case: 'small call 1×288×768', M: 1, K: 288, N: 768, layout: 'NT' }];
  for (const [M, K, N] of train) {
    out.push({ case: `NT y=x·Wᵀ ${M}×${K}×${N}`, M, K, N, layout: 'NT' });
    out.push({ case: `NN dX=dY·W ${M}×${N}×${K}`, M, K: N, N: K, layout: 'NN' });
    out.push({ case: `TN dW+=dYᵀ·X ${N}×${M}×${K}`, M: N, K: M, N: K, layout: 'TN' });
  }
  out.push({ case: 'gemv y=W·x 1×4096×4096', M: 1, K: 4096, N: 4096, layout: 'NT' });
  if (!quick) {
    out.push({ case: 'decode M=4 4×4096×4096', M: 4, K: 4096, N: 4096, layout: 'NT' });
    out.push({ case: 'decode M=16 16×4096×4096', M: 16, K: 4096, N: 4096, layout: 'NT' });
  }
  return out;
}

function randn(rng: Rng, n: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = rng.normal();
  return x;
}

/** Seconds per call of fn, best over repeated batches lasting ≥ minSeconds in total. */
function timeIt(fn: () => void, now: () => number, minSeconds = 0.25): number {
  fn();
  let calls = 1;
  for (;;) {
    const t0 = now();
    for (let i = 0; i < calls; i++) fn();
    const dt = now() - t0;
    if (dt >= minSeconds / 4) {
      let best = dt / calls;
      for (let r = 0; r < 3; r++) {
        const t1 = now();
        for (let i = 0; i < calls; i++) fn();
        best = Math.min(best, (now() - t1) / calls);
      }
      return best;
    }
    calls *= 4;
  }
}

interface PeerResult {
  desc: string;
  gflops: Map<string, number>;
  streamGBs: number | null;
}

function runPeer(cs: Case[], threads: number, cpu: boolean): PeerResult | null {
  const script = join(ROOT, 'bench', 'peers', 'gemm.py');
  if (!existsSync(PYTHON) || !existsSync(script)) return null;
  const env = { ...process.env, OMP_NUM_THREADS: String(threads), ...(existsSync(TCMALLOC) ? { LD_PRELOAD: TCMALLOC } : {}) };
  const r = spawnSync(PYTHON, [script], { input: JSON.stringify({ threads, reps: 3, clock: cpu ? 'cpu' : 'wall', cases: cs }), env, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    process.stderr.write(`gemm bench: PyTorch peer unavailable (${(r.stderr || r.error?.message || '').trim().split('\n').pop()})\n`);
    return null;
  }
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { torch: string; blas: string; threads: number; rows: { case: string; gflops: number }[] };
  const blas = out.blas ? ` ${out.blas}` : '';
  return { desc: `pytorch ${out.torch}${blas}, ${out.threads} threads${existsSync(TCMALLOC) ? ', tcmalloc' : ''}`, gflops: new Map(out.rows.map((x) => [x.case, x.gflops])), streamGBs: null };
}

function cpuModel(): string {
  try {
    return /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU';
  } catch {
    return 'unknown CPU';
  }
}

export async function run(args: string[]): Promise<BenchReport> {
  const addon = nativeAddon();
  if (!addon || typeof addon.matmul !== 'function') throw new Error('gemm bench: the native addon with matmul is not built (npm run build:native)');
  const opt = (name: string, def: number) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : def;
  };
  const threads = opt('--threads', Number(process.env.LLAMATS_THREADS ?? 2));
  const rounds = opt('--rounds', 3);
  const quick = args.includes('--quick');
  const cpu = args.includes('--cpu');
  const now = cpu ? () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; } : () => performance.now() / 1000;
  addon.setThreads(threads);
  const matmul = addon.matmul as Positional;
  const streamSum = addon.streamSum as (x: Float32Array) => number;
  const load = loadavg()[0]!.toFixed(1);
  const bf16 = addon.matmulBf16 === true;

  const cs = cases(quick);
  // The opt-in bf16 path (AMX) on the forward training shapes, against PyTorch's float32 on the same shape.
  const bfCases = bf16 ? cs.filter((c) => c.case.startsWith('NT y=x·Wᵀ')) : [];
  const rng = new Rng(1);
  const best = new Map<string, number>();
  const peerBest = new Map<string, number>();
  let peerDesc: string | null = null;
  // The bandwidth reference: a streaming read of a 64 MB buffer of non-zero values (zero pages fake bandwidth).
  const big = randn(rng, 4096 * 4096);
  let streamGBs = 0;
  let bfError = 0;
  const operands = new Map<string, { a: Float32Array; b: Float32Array; out: Float32Array }>();
  for (let round = 0; round < rounds; round++) {
    streamGBs = Math.max(streamGBs, (big.length * 4) / timeIt(() => streamSum(big), now) / 1e9);
    for (const c of cs) {
      // Operands made once and kept across rounds (no allocation churn between timings).
      const o = operands.get(c.case) ?? { a: randn(rng, c.M * c.K), b: randn(rng, c.K * c.N), out: new Float32Array(c.M * c.N) };
      operands.set(c.case, o);
      const { a, b, out } = o;
      const ta = c.layout === 'TN', tb = c.layout === 'NT';
      const s = timeIt(() => matmul(out, a, b, c.M, c.K, c.N, ta, tb, ta), now);
      best.set(c.case, Math.max(best.get(c.case) ?? 0, (2 * c.M * c.K * c.N) / s / 1e9));
      if (bfCases.includes(c)) {
        const sb = timeIt(() => matmul(out, a, b, c.M, c.K, c.N, ta, tb, ta, undefined, undefined, undefined, undefined, 'bf16'), now);
        best.set(`bf16 ${c.case}`, Math.max(best.get(`bf16 ${c.case}`) ?? 0, (2 * c.M * c.K * c.N) / sb / 1e9));
        if (round === 0) {
          // Relative Frobenius difference of the bf16 product from the float32 one (itself ~1e-6 from exact).
          const f32 = new Float32Array(out.length), b16 = new Float32Array(out.length);
          matmul(f32, a, b, c.M, c.K, c.N, ta, tb, false);
          matmul(b16, a, b, c.M, c.K, c.N, ta, tb, false, undefined, undefined, undefined, undefined, 'bf16');
          let num = 0, den = 0;
          for (let i = 0; i < f32.length; i++) (num += (b16[i]! - f32[i]!) ** 2), (den += f32[i]! ** 2);
          bfError = Math.max(bfError, Math.sqrt(num / den));
        }
      }
    }
    const peer = runPeer(cs, threads, cpu);
    if (peer) {
      peerDesc = peer.desc;
      for (const [k, v] of peer.gflops) peerBest.set(k, Math.max(peerBest.get(k) ?? 0, v));
    }
    process.stderr.write(`gemm bench: round ${round + 1}/${rounds} done\n`);
  }

  const rows: BenchRow[] = [];
  for (const c of cs) {
    const g = best.get(c.case)!, p = peerDesc ? peerBest.get(c.case) ?? null : null;
    if (c.case.startsWith('small call')) {
      const us = (2 * c.M * c.K * c.N) / g / 1e3, pus = p ? (2 * c.M * c.K * c.N) / p / 1e3 : null;
      rows.push(row(c.case, 'calls/ms', 1e3 / us, peerDesc, pus ? 1e3 / pus : null));
    } else {
      rows.push(row(c.case, 'GFLOP/s', g, peerDesc, p));
    }
  }
  for (const c of bfCases) rows.push(row(`bf16 (AMX) ${c.case}`, 'GFLOP/s', best.get(`bf16 ${c.case}`)!, peerDesc && `${peerDesc}, float32`, peerDesc ? peerBest.get(c.case) ?? null : null));
  if (bfCases.length) rows.push(row('bf16 (AMX) relative error vs float32 (Frobenius, worst shape)', 'ratio', bfError, null, null));
  // GEMV reads 4 bytes of W per 2 FLOPs.
  const gemvGBs = 2 * best.get('gemv y=W·x 1×4096×4096')!, peerGemv = peerBest.get('gemv y=W·x 1×4096×4096');
  rows.push(row('stream read 64 MB (bandwidth reference)', 'GB/s', streamGBs, null, null));
  rows.push(row('gemv 1×4096×4096 read rate', 'GB/s', gemvGBs, peerDesc, peerGemv ? 2 * peerGemv : null));
  rows.push(row('gemv 1×4096×4096 share of stream bandwidth', '%', (100 * gemvGBs) / streamGBs, peerDesc, peerGemv ? (100 * 2 * peerGemv) / streamGBs : null));
  const info = addon.info();
  return {
    bench: 'gemm',
    rows,
    notes: [
      `${cpuModel()}, ${info.physicalCores} cores, isa ${info.isa}, ${threads} threads, ${cpu ? 'CPU-time' : 'wall-clock'} timing, best of ${rounds} rounds`,
      `load average at start ${load} (other processes make both sides slower; compare ratios)`,
      `peer: ${peerDesc ?? 'unavailable (needs /usr/bin/python3 with torch)'}`,
    ],
  };
}
