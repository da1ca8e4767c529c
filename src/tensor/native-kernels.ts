// Adapts the native addon (native/bind_<family>.cpp) to the Kernels contract. The addon takes positional
// arguments — reading properties of a dims object through N-API costs more than the call itself at decode time
// (bench/kernels.ts measures both) — so the dims objects are unpacked here. A function the addon lacks falls
// back to the TypeScript reference, one kernel at a time.
import type { AdamWHyper, AttentionDims, F32, I32, Kernels, MatmulDims, RopeDims } from './kernels.js';
import type { NativeAddon } from './native.js';
import { refKernels } from './ref/index.js';

/** The addon's kernel functions, positional (see the comment at the top of each native/bind_<family>.cpp). */
export interface NativeKernelFns {
  add(out: F32, a: F32, b: F32, n: number): void;
  mul(out: F32, a: F32, b: F32, n: number): void;
  scale(out: F32, a: F32, s: number, n: number): void;
  axpy(y: F32, alpha: number, x: F32, n: number): void;
  sum(x: F32, n: number): number;
  sumSquares(x: F32, n: number): number;
  rmsnormForward(out: F32, rstd: F32, x: F32, w: F32, N: number, C: number, eps: number): void;
  rmsnormBackward(dx: F32, dw: F32, dout: F32, x: F32, w: F32, rstd: F32, N: number, C: number): void;
  swigluForward(out: F32, gate: F32, up: F32, n: number): void;
  swigluBackward(dgate: F32, dup: F32, dout: F32, gate: F32, up: F32, n: number): void;
  softmaxForward(out: F32, x: F32, N: number, C: number): void;
  softmaxBackward(dx: F32, dout: F32, out: F32, N: number, C: number): void;
  /** half: 0 = 'pairs', 1 = 'half'. */
  ropeForward(out: F32, x: F32, positions: I32, freqs: F32, N: number, nHeads: number, headDim: number, half: number): void;
  ropeBackward(dx: F32, dout: F32, positions: I32, freqs: F32, N: number, nHeads: number, headDim: number, half: number): void;
  attentionForward(out: F32, lse: F32 | null, q: F32, k: F32, v: F32, segIds: I32 | null,
    B: number, T: number, S: number, H: number, KVH: number, headDim: number, scale: number, kvBatchStride: number): void;
  attentionBackward(dq: F32, dk: F32, dv: F32, dout: F32, q: F32, k: F32, v: F32, out: F32, lse: F32, segIds: I32 | null,
    B: number, T: number, S: number, H: number, KVH: number, headDim: number, scale: number, kvBatchStride: number): void;
  embeddingForward(out: F32, table: F32, ids: I32, N: number, C: number): void;
  embeddingBackward(dtable: F32, dout: F32, ids: I32, N: number, C: number): void;
  crossEntropyForward(losses: F32, lse: F32, logits: F32, targets: I32, N: number, V: number, ignoreIndex: number): void;
  crossEntropyBackward(dlogits: F32, logits: F32, lse: F32, targets: I32, dloss: F32, N: number, V: number, ignoreIndex: number): void;
  adamw(param: F32, grad: F32, m: F32, v: F32, n: number, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, step: number): void;
  /** The GEMM engineer's binding (native/bind_matmul.cpp); until it lands the reference matmul is used. */
  matmul(c: F32, a: F32, b: F32, d: MatmulDims): void;
  /** native/bind_quant.cpp: out[M, N] = x[M, K] · Wᵀ, W in ggml type ggmlType; row `row` of W → out[K]. */
  matmulQuant(out: F32, x: F32, w: Uint8Array, ggmlType: number, M: number, K: number, N: number): void;
  dequantizeRow(out: F32, w: Uint8Array, ggmlType: number, row: number, K: number): void;
  /** The x16 layout of native/kernels/qpack/qpack.h; undefined unless the type has one and (or force) the tier gains. */
  packQuant(w: Uint8Array, ggmlType: number, N: number, K: number, force?: boolean): Uint8Array | undefined;
  matmulQuantPacked(out: F32, x: F32, packed: Uint8Array, ggmlType: number, M: number, K: number, N: number): void;
}

type PositionalMatmul = (c: F32, a: F32, b: F32, M: number, K: number, N: number, transA: boolean, transB: boolean, accumulate: boolean,
  batch?: number, strideA?: number, strideB?: number, strideC?: number, precision?: 'f32' | 'bf16') => void;

/**
 * The precision of every matrix product the adapter issues (backend.ts `setMatmulPrecision`); undefined leaves
 * the addon's default (float32, or LLAMATS_MATMUL).
 */
export const matmulSettings: { precision: 'f32' | 'bf16' | undefined } = { precision: undefined };

/** The kernel names of NativeKernelFns that the loaded addon provides. */
export function nativeKernelNames(addon: NativeAddon): string[] {
  return Object.keys(refKernels).filter((k) => k !== 'name' && typeof addon[k] === 'function');
}

export function nativeKernels(addon: NativeAddon): Kernels {
  const a = addon as unknown as Partial<NativeKernelFns>;
  const r = refKernels;
  const kvStride = (d: AttentionDims) => d.kvBatchStride ?? d.S * d.KVH * d.headDim;
  const ropeHalf = (d: RopeDims) => (d.layout === 'half' ? 1 : d.layout === 'pairs' ? 0 : -1);
  const bind = <K extends keyof NativeKernelFns>(k: K): NativeKernelFns[K] | undefined => {
    const f = a[k];
    return typeof f === 'function' ? (f.bind(addon) as NativeKernelFns[K]) : undefined;
  };
  const add = bind('add'), mul = bind('mul'), scale = bind('scale'), axpy = bind('axpy');
  const sum = bind('sum'), sumSquares = bind('sumSquares');
  const rmsF = bind('rmsnormForward'), rmsB = bind('rmsnormBackward');
  const swiF = bind('swigluForward'), swiB = bind('swigluBackward');
  const smF = bind('softmaxForward'), smB = bind('softmaxBackward');
  const ropeF = bind('ropeForward'), ropeB = bind('ropeBackward');
  const attF = bind('attentionForward'), attB = bind('attentionBackward');
  const embF = bind('embeddingForward'), embB = bind('embeddingBackward');
  const ceF = bind('crossEntropyForward'), ceB = bind('crossEntropyBackward');
  const adam = bind('adamw');
  const matmul = bind('matmul');
  const mmq = bind('matmulQuant'), deq = bind('dequantizeRow');
  const pack = bind('packQuant'), mmqp = bind('matmulQuantPacked');
  return {
    name: `native/${addon.info().isa}`,
    // Positional form (bind_matmul.cpp): ~1 µs less per call than passing the dims object, 7 calls per layer at decode.
    matmul: matmul
      ? (c, a, b, d) => (matmul as unknown as PositionalMatmul)(c, a, b, d.M, d.K, d.N, d.transA, d.transB, d.accumulate, d.batch, d.strideA, d.strideB, d.strideC, matmulSettings.precision)
      : r.matmul,
    add: add ?? r.add,
    mul: mul ?? r.mul,
    scale: scale ?? r.scale,
    axpy: axpy ?? r.axpy,
    sum: sum ?? r.sum,
    sumSquares: sumSquares ?? r.sumSquares,
    rmsnormForward: rmsF ? (out, rstd, x, w, d) => rmsF(out, rstd, x, w, d.N, d.C, d.eps) : r.rmsnormForward,
    rmsnormBackward: rmsB ? (dx, dw, dout, x, w, rstd, d) => rmsB(dx, dw, dout, x, w, rstd, d.N, d.C) : r.rmsnormBackward,
    swigluForward: swiF ?? r.swigluForward,
    swigluBackward: swiB ?? r.swigluBackward,
    softmaxForward: smF ? (out, x, d) => smF(out, x, d.N, d.C) : r.softmaxForward,
    softmaxBackward: smB ? (dx, dout, out, d) => smB(dx, dout, out, d.N, d.C) : r.softmaxBackward,
    ropeForward: ropeF ? (out, x, pos, freqs, d) => ropeF(out, x, pos, freqs, d.N, d.nHeads, d.headDim, ropeHalf(d)) : r.ropeForward,
    ropeBackward: ropeB ? (dx, dout, pos, freqs, d) => ropeB(dx, dout, pos, freqs, d.N, d.nHeads, d.headDim, ropeHalf(d)) : r.ropeBackward,
    attentionForward: attF
      ? (out, lse, q, k, v, seg, d) => attF(out, lse, q, k, v, seg, d.B, d.T, d.S, d.H, d.KVH, d.headDim, d.scale, kvStride(d))
      : r.attentionForward,
    attentionBackward: attB
      ? (dq, dk, dv, dout, q, k, v, out, lse, seg, d) =>
          attB(dq, dk, dv, dout, q, k, v, out, lse, seg, d.B, d.T, d.S, d.H, d.KVH, d.headDim, d.scale, kvStride(d))
      : r.attentionBackward,
    embeddingForward: embF ? (out, table, ids, d) => embF(out, table, ids, d.N, d.C) : r.embeddingForward,
    embeddingBackward: embB ? (dtable, dout, ids, d) => embB(dtable, dout, ids, d.N, d.C) : r.embeddingBackward,
    crossEntropyForward: ceF
      ? (losses, lse, logits, targets, d) => ceF(losses, lse, logits, targets, d.N, d.V, d.ignoreIndex)
      : r.crossEntropyForward,
    crossEntropyBackward: ceB
      ? (dlogits, logits, lse, targets, dloss, d) => ceB(dlogits, logits, lse, targets, dloss, d.N, d.V, d.ignoreIndex)
      : r.crossEntropyBackward,
    adamw: adam
      ? (param, grad, m, v, n, h: AdamWHyper) => adam(param, grad, m, v, n, h.lr, h.beta1, h.beta2, h.eps, h.weightDecay, h.step)
      : r.adamw,
    matmulQuant: mmq ? (out, x, w, type, d) => mmq(out, x, w, type, d.M, d.K, d.N) : r.matmulQuant,
    dequantizeRow: deq ?? r.dequantizeRow,
    ...(pack && mmqp
      ? {
          packQuant: (w: Uint8Array, type: number, N: number, K: number) => pack(w, type, N, K) ?? null,
          matmulQuantPacked: (out: F32, x: F32, p: Uint8Array, type: number, d: { M: number; K: number; N: number }) => mmqp(out, x, p, type, d.M, d.K, d.N),
        }
      : {}),
  };
}
