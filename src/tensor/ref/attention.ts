// Causal grouped-query attention with optional document masking (TS reference). One query row at a time: the
// row's scores live in an O(S) scratch, never the B·H·T·S tensor. Query t sits at absolute position
// p = S − T + t and attends key s iff s ≤ p and segIds[b, s] == segIds[b, p] (Llama 3 §3.2 document masking);
// query head h reads kv head ⌊h / (H/KVH)⌋ (GQA, Ainslie et al. 2023). The backward recomputes the
// probabilities from the saved log-sum-exp, as FlashAttention-2 (Dao 2023, Algorithm 2) does.
import type { AttentionDims, I32 } from '../kernels.js';
import { checkDim, checkLen } from './check.js';
import type { Floats } from './floats.js';

interface Layout {
  B: number; T: number; S: number; H: number; KVH: number; hd: number; G: number; past: number;
  /** Element offsets: q/out row (b, t, h), k/v row (b, s, kvh). */
  qRow: (b: number, t: number, h: number) => number;
  kvRow: (b: number, s: number, kvh: number) => number;
}

function layout(op: string, d: AttentionDims): Layout {
  const { B, T, S, H, KVH, headDim: hd } = d;
  checkDim(op, 'B', B);
  checkDim(op, 'T', T);
  checkDim(op, 'S', S, T);
  checkDim(op, 'H', H, 1);
  checkDim(op, 'KVH', KVH, 1);
  checkDim(op, 'headDim', hd, 1);
  if (H % KVH !== 0) throw new RangeError(`${op}: H (${H}) must be a multiple of KVH (${KVH})`);
  const kvStride = d.kvBatchStride ?? S * KVH * hd;
  checkDim(op, 'kvBatchStride', kvStride, S * KVH * hd);
  return {
    B, T, S, H, KVH, hd, G: H / KVH, past: S - T,
    qRow: (b, t, h) => ((b * T + t) * H + h) * hd,
    kvRow: (b, s, kvh) => b * kvStride + (s * KVH + kvh) * hd,
  };
}

function kvLength(L: Layout, d: AttentionDims): number {
  return L.B === 0 ? 0 : (L.B - 1) * (d.kvBatchStride ?? L.S * L.KVH * L.hd) + L.S * L.KVH * L.hd;
}

/** scores[s] = scale·q·k_s for the keys query (b, t, h) may attend, −∞ for the others; returns the last key + 1. */
function scoreRow(scores: Float64Array, L: Layout, q: Floats, k: Floats, segIds: I32 | null, scale: number, b: number, t: number, h: number): number {
  const p = L.past + t;
  const qo = L.qRow(b, t, h);
  const kvh = Math.floor(h / L.G);
  for (let s = 0; s <= p; s++) {
    if (segIds !== null && segIds[b * L.S + s] !== segIds[b * L.S + p]) {
      scores[s] = -Infinity;
      continue;
    }
    const ko = L.kvRow(b, s, kvh);
    let dot = 0;
    for (let i = 0; i < L.hd; i++) dot += q[qo + i] * k[ko + i];
    scores[s] = scale * dot;
  }
  return p + 1;
}

export function attentionForward(out: Floats, lse: Floats | null, q: Floats, k: Floats, v: Floats, segIds: I32 | null, d: AttentionDims): void {
  const op = 'attentionForward';
  const L = layout(op, d);
  const { B, T, S, H, hd } = L;
  checkLen(op, 'out', out, B * T * H * hd);
  checkLen(op, 'q', q, B * T * H * hd);
  checkLen(op, 'k', k, kvLength(L, d));
  checkLen(op, 'v', v, kvLength(L, d));
  if (lse !== null) checkLen(op, 'lse', lse, B * H * T);
  if (segIds !== null) checkLen(op, 'segIds', segIds, B * S);
  const scores = new Float64Array(S);
  const acc = new Float64Array(hd);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      for (let h = 0; h < H; h++) {
        const end = scoreRow(scores, L, q, k, segIds, d.scale, b, t, h);
        let max = -Infinity;
        for (let s = 0; s < end; s++) max = Math.max(max, scores[s]);
        let sum = 0;
        acc.fill(0);
        const kvh = Math.floor(h / L.G);
        for (let s = 0; s < end; s++) {
          if (scores[s] === -Infinity) continue;
          const w = Math.exp(scores[s] - max);
          sum += w;
          const vo = L.kvRow(b, s, kvh);
          for (let i = 0; i < hd; i++) acc[i] += w * v[vo + i];
        }
        const oo = L.qRow(b, t, h);
        for (let i = 0; i < hd; i++) out[oo + i] = acc[i] / sum;
        if (lse !== null) lse[(b * H + h) * T + t] = max + Math.log(sum);
      }
    }
  }
}

/**
 * With P = exp(scale·q·kᵀ − lse), D = rowsum(dout ⊙ out) and dS = P ⊙ (dout·vᵀ − D):
 * dv = Pᵀ·dout, dq = scale·dS·k, dk = scale·dSᵀ·q. dk and dv are dense [B, S, KVH, headDim].
 */
export function attentionBackward(
  dq: Floats, dk: Floats, dv: Floats, dout: Floats, q: Floats, k: Floats, v: Floats, out: Floats, lse: Floats,
  segIds: I32 | null, d: AttentionDims,
): void {
  const op = 'attentionBackward';
  const L = layout(op, d);
  const { B, T, S, H, KVH, hd } = L;
  const nq = B * T * H * hd;
  for (const [name, a] of [['dq', dq], ['dout', dout], ['q', q], ['out', out]] as const) checkLen(op, name, a, nq);
  checkLen(op, 'dk', dk, B * S * KVH * hd);
  checkLen(op, 'dv', dv, B * S * KVH * hd);
  checkLen(op, 'k', k, kvLength(L, d));
  checkLen(op, 'v', v, kvLength(L, d));
  checkLen(op, 'lse', lse, B * H * T);
  if (segIds !== null) checkLen(op, 'segIds', segIds, B * S);
  // dk and dv sum over every query that reads them: accumulate in float64, round once at the end.
  const dkAcc = new Float64Array(B * S * KVH * hd);
  const dvAcc = new Float64Array(B * S * KVH * hd);
  const dRow = (b: number, s: number, kvh: number) => ((b * S + s) * KVH + kvh) * hd;
  const scores = new Float64Array(S);
  const dqAcc = new Float64Array(hd);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      for (let h = 0; h < H; h++) {
        const end = scoreRow(scores, L, q, k, segIds, d.scale, b, t, h);
        const qo = L.qRow(b, t, h);
        const kvh = Math.floor(h / L.G);
        const rowLse = lse[(b * H + h) * T + t];
        let D = 0;
        for (let i = 0; i < hd; i++) D += dout[qo + i] * out[qo + i];
        dqAcc.fill(0);
        for (let s = 0; s < end; s++) {
          if (scores[s] === -Infinity) continue;
          const P = Math.exp(scores[s] - rowLse);
          const ko = L.kvRow(b, s, kvh); // k and v rows share offsets
          const go = dRow(b, s, kvh);
          let dP = 0;
          for (let i = 0; i < hd; i++) dP += dout[qo + i] * v[ko + i];
          const dS = P * (dP - D) * d.scale;
          for (let i = 0; i < hd; i++) {
            dvAcc[go + i] += P * dout[qo + i];
            dkAcc[go + i] += dS * q[qo + i];
            dqAcc[i] += dS * k[ko + i];
          }
        }
        for (let i = 0; i < hd; i++) dq[qo + i] = dqAcc[i];
      }
    }
  }
  dk.set(dkAcc);
  dv.set(dvAcc);
}
