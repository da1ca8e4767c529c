// `npm run bench -- quant [--threads N] [--rounds R] [--quick] [--cpu]`: the quantized-weight kernels (native/kernels/quant/)
// for every type (F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K), beside the bound each should approach, in the same run:
// - decode GEMV y = W·x, W 4096×4096 (may sit in the last-level cache) and 32768×4096 (cannot): bytes of W read
//   per second ÷ a streaming read of the same number of bytes (addon.streamSum over non-zero data: zero pages
//   fake bandwidth); batched decode M = 4, 16;
// - prefill M = 128: multiply-adds per second beside the float32 SGEMM (addon.matmul) on the same shape;
// - whole-model decode tok/s (Decoder, prefill 16 tokens then 32 decode steps) at the stories15M and stories110M
//   shapes with random weights of each type, beside the bandwidth bound = stream GB/s ÷ weight bytes per token.
// Q8_0 and Q4_0 also run on their load-time packed layout (native/kernels/qpack/, "x16" rows), which is what
// inference uses on AVX-512.
// Weights are random blocks with sane scales (speed does not depend on the values). Rounds alternate the cases and
// each keeps its best, so other processes' load hits every row alike; --cpu times by process CPU time (use with
// --threads 1 on a busy machine: the streaming-read reference is timed the same way).
import { loadavg } from 'node:os';
import type { BenchReport, BenchRow } from './main.js'; // types only: main.js awaits this module's import
import type { ModelConfig } from '../src/model/config.js';
import { Decoder, KVCache } from '../src/model/inference.js';
import { stories110m, stories15m } from '../src/model/presets.js';
import { packForInference, type InferenceWeights, type WeightMatrix } from '../src/model/weights.js';
import { nativeAddon } from '../src/tensor/native.js';
import { QUANT_MATMUL_TYPES } from '../src/tensor/ref/quant-matmul.js';
import { f32ToBf16, f32ToF16 } from '../src/io/quant/f16.js';
import { Rng } from '../src/util/rng.js';

type MatmulQuant = (out: Float32Array, x: Float32Array, w: Uint8Array, type: number, M: number, K: number, N: number) => void;
type PackQuant = (w: Uint8Array, type: number, N: number, K: number, force?: boolean) => Uint8Array | undefined;
type Matmul = (c: Float32Array, a: Float32Array, b: Float32Array, M: number, K: number, N: number, transA: boolean, transB: boolean, accumulate: boolean) => void;

const TYPES = [...QUANT_MATMUL_TYPES].map(([id, t]) => ({ id, ...t }));

function row(c: string, unit: string, llamats: number, peer: string | null, peerValue: number | null): BenchRow {
  return { case: c, unit, llamats, peer, peer_value: peerValue, ratio: peerValue ? llamats / peerValue : null };
}

/** N rows of K values of `type`: random quants with small f16 scales (as the tests' random-byte rows). */
function randomWeights(rng: Rng, type: number, N: number, K: number): Uint8Array {
  const t = QUANT_MATMUL_TYPES.get(type)!;
  const w = new Uint8Array((N * K / t.block) * t.bytes);
  for (let i = 0; i < w.length; i += 4) {
    const v = rng.nextU32();
    w[i] = v & 0xff; w[i + 1] = (v >>> 8) & 0xff; w[i + 2] = (v >>> 16) & 0xff; w[i + 3] = v >>> 24;
  }
  const put16 = (at: number, h: number) => { w[at] = h & 0xff; w[at + 1] = h >> 8; };
  const h = f32ToF16(1e-3), hb = f32ToBf16(0.01);
  if (t.block === 1) {
    for (let i = 0; i < w.length; i += 2) put16(i, (t.name === 'BF16' ? hb : h) ^ ((w[i]! & 1) << 15));
    return w;
  }
  for (let p = 0; p < w.length; p += t.bytes) {
    if (t.name === 'Q6_K') put16(p + 208, h);
    else put16(p, h);
    if (t.name === 'Q4_K') put16(p + 2, h);
  }
  return w;
}

function randn(rng: Rng, n: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = rng.normal();
  return x;
}

let now = (): number => performance.now() / 1000;

/** Seconds per call, best of a few batches lasting ≥ minSeconds/4 each. */
function timeIt(fn: () => void, minSeconds = 0.2): number {
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

/** A random model of `type` (norms f32); null when the type's block does not divide the model's row lengths. */
function randomModel(rng: Rng, c: ModelConfig, type: number, pack: boolean): { weights: InferenceWeights; bytes: number } | null {
  const t = QUANT_MATMUL_TYPES.get(type)!;
  if (c.dim % t.block || c.ffnDim % t.block || (c.nHeads * c.headDim) % t.block) return null;
  let bytes = 0;
  const m = (rows: number, cols: number): WeightMatrix => {
    const b = randomWeights(rng, type, rows, cols);
    bytes += b.length;
    const w: WeightMatrix = { kind: 'quant', rows, cols, ggmlType: type, bytes: b };
    return pack ? packForInference(w) : w;
  };
  const qd = c.nHeads * c.headDim, kvd = c.nKvHeads * c.headDim;
  const ones = (n: number) => new Float32Array(n).fill(1);
  const layers = Array.from({ length: c.nLayers }, () => ({
    attnNorm: ones(c.dim), wq: m(qd, c.dim), wk: m(kvd, c.dim), wv: m(kvd, c.dim), wo: m(c.dim, qd),
    ffnNorm: ones(c.dim), w1: m(c.ffnDim, c.dim), w3: m(c.ffnDim, c.dim), w2: m(c.dim, c.ffnDim),
  }));
  const embd = m(c.vocabSize, c.dim);
  const output = c.tiedEmbeddings ? embd : m(c.vocabSize, c.dim);
  if (pack && layers[0]!.wq.kind !== 'packed') return null; // no packed layout for this type here
  return { weights: { tokEmbd: embd, layers, norm: ones(c.dim), output }, bytes };
}

export async function run(args: string[]): Promise<BenchReport> {
  const addon = nativeAddon();
  if (!addon || typeof addon.matmulQuant !== 'function') throw new Error('quant bench: the native addon is not built (npm run build:native)');
  const opt = (name: string, def: number) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : def;
  };
  const threads = opt('--threads', Number(process.env.LLAMATS_THREADS ?? 2));
  const rounds = opt('--rounds', 3);
  const quick = args.includes('--quick');
  const cpu = args.includes('--cpu');
  if (cpu) now = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
  addon.setThreads(threads);
  const mmq = addon.matmulQuant as MatmulQuant;
  const mmqp = addon.matmulQuantPacked as MatmulQuant | undefined;
  const packQuant = addon.packQuant as PackQuant | undefined;
  const matmul = addon.matmul as Matmul | undefined;
  const streamSum = addon.streamSum as ((x: Float32Array) => number) | undefined;
  const load = loadavg()[0]!.toFixed(1);
  const rng = new Rng(1);
  const K = 4096, N = 4096;
  const Ms = quick ? [1, 16] : [1, 4, 16, 128];
  const ws = new Map(TYPES.map((t) => [t.id, randomWeights(rng, t.id, N, K)]));
  const x = randn(rng, 128 * K), out = new Float32Array(128 * 32768);
  const wf32 = randn(rng, N * K);
  const packed = new Map(TYPES.map((t) => [t.id, packQuant?.(ws.get(t.id)!, t.id, N, K)]).filter((e): e is [number, Uint8Array] => e[1] !== undefined));
  const models = (quick ? [stories15m()] : [stories15m(), stories110m()]).flatMap((c) =>
    TYPES.flatMap((t) => [false, true].map((pack) => ({ c, t, pack, m: randomModel(rng, c, t.id, pack) }))).filter((e) => e.m !== null),
  );
  // W larger than the last-level cache: the decode regime of real models (bytes come from DRAM).
  const NBIG = 32768;
  const wsBig = new Map(quick ? [] : TYPES.map((t) => [t.id, randomWeights(rng, t.id, NBIG, K)]));
  // Streaming-read references of the same byte sizes as each weight matrix and each model: prefixes of one
  // buffer of non-zero data.
  const sizes = [...new Set([...ws.values(), ...wsBig.values()].map((w) => w.length).concat(models.map((e) => e.m!.bytes)))];
  const pool = new Float32Array(Math.ceil(Math.max(...sizes) / 4));
  for (let i = 0; i < pool.length; i++) pool[i] = 1 + (i & 1023) * 1e-3;
  const streams = new Map(sizes.map((bytes) => [bytes, pool.subarray(0, Math.ceil(bytes / 4))]));

  const best = new Map<string, number>();
  const keep = (k: string, v: number) => best.set(k, Math.max(best.get(k) ?? 0, v));
  for (let round = 0; round < rounds; round++) {
    for (const [bytes, buf] of streams) if (streamSum) keep(`stream ${bytes}`, bytes / timeIt(() => streamSum(buf)) / 1e9);
    for (const t of TYPES) {
      const w = ws.get(t.id)!;
      for (const M of Ms) keep(`${t.name} M=${M}`, (M * N * K) / timeIt(() => mmq(out, x, w, t.id, M, K, N)) / 1e9);
      const wb = wsBig.get(t.id);
      if (wb) keep(`${t.name} big`, wb.length / timeIt(() => mmq(out, x, wb, t.id, 1, K, NBIG)) / 1e9);
      const p = packed.get(t.id);
      if (p && mmqp) for (const M of Ms) keep(`${t.name} x16 M=${M}`, (M * N * K) / timeIt(() => mmqp(out, x, p, t.id, M, K, N)) / 1e9);
    }
    if (matmul) keep('f32 M=128', (128 * N * K) / timeIt(() => matmul(out, x, wf32, 128, K, N, false, true, false)) / 1e9);
    for (const { c, t, pack, m } of models) {
      const d = new Decoder(c, m!.weights);
      const prompt = Array.from({ length: 16 }, (_, i) => (i * 7919) % c.vocabSize);
      const cache = new KVCache(c, 64);
      d.forward(prompt, cache);
      const t0 = now();
      const steps = 32;
      for (let s = 0; s < steps; s++) d.forward([(s * 31) % c.vocabSize], cache);
      keep(`decode ${c.dim} ${t.name}${pack ? ' x16' : ''}`, steps / (now() - t0));
    }
    process.stderr.write(`quant bench: round ${round + 1}/${rounds} done\n`);
  }

  const rows: BenchRow[] = [];
  const streamOf = (bytes: number) => best.get(`stream ${bytes}`) ?? null;
  for (const t of TYPES) {
    const bytes = ws.get(t.id)!.length;
    const gmac = best.get(`${t.name} M=1`)!;
    const gbs = (gmac * 1e9 * bytes) / (N * K) / 1e9;
    rows.push(row(`gemv 4096×4096 ${t.name} (${(bytes / 2 ** 20).toFixed(1)} MiB)`, 'GB/s', gbs, 'stream read, same bytes', streamOf(bytes)));
    const wb = wsBig.get(t.id);
    if (wb) rows.push(row(`gemv 32768×4096 ${t.name} (${(wb.length / 2 ** 20).toFixed(0)} MiB, not cached)`, 'GB/s', best.get(`${t.name} big`)!, 'stream read, same bytes', streamOf(wb.length)));
    for (const M of Ms.filter((m) => m > 1)) {
      rows.push(row(`${M}×4096×4096 ${t.name}${M === 128 ? ' (prefill)' : ''}`, 'GMAC/s', best.get(`${t.name} M=${M}`)!, M === 128 && matmul ? 'f32 sgemm, same shape' : null, M === 128 ? best.get('f32 M=128') ?? null : null));
    }
    if (packed.has(t.id)) {
      rows.push(row(`gemv 4096×4096 ${t.name} packed x16`, 'GB/s', (best.get(`${t.name} x16 M=1`)! * 1e9 * bytes) / (N * K) / 1e9, 'stream read, same bytes', streamOf(bytes)));
      for (const M of Ms.filter((m) => m > 1)) {
        rows.push(row(`${M}×4096×4096 ${t.name} packed x16`, 'GMAC/s', best.get(`${t.name} x16 M=${M}`)!, `unpacked ${t.name}, same shape`, best.get(`${t.name} M=${M}`)!));
      }
    }
  }
  for (const { c, t, pack, m } of models) {
    const name = c.dim === 288 ? 'stories15M' : 'stories110M';
    const gbs = streamOf(m!.bytes);
    const bound = gbs ? (gbs * 1e9) / m!.bytes : null;
    const key = `${t.name}${pack ? ' x16' : ''}`;
    rows.push(row(`decode ${name} ${key} (${(m!.bytes / 2 ** 20).toFixed(1)} MiB/token)`, 'tok/s', best.get(`decode ${c.dim} ${key}`)!, 'bandwidth bound', bound));
  }
  const info = addon.info();
  return {
    bench: 'quant',
    rows,
    notes: [
      `isa ${info.isa}, ${threads} threads, ${cpu ? 'process CPU time' : 'wall-clock'} timing, best of ${rounds} rounds; load average at start ${load}`,
      'gemv ratio = share of a streaming read of the same number of bytes (the decode bound); prefill ratio = vs the f32 SGEMM',
      'decode bound = streaming read of as many bytes as the model\'s weights, in GB/s ÷ weight bytes per token',
    ],
  };
}
