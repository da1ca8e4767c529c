// Q4_K: super-blocks of 256 values = 8 sub-blocks of 32 with a 6-bit scale and a 6-bit min each
// (ggml-common.h `block_q4_K`: f16 d, f16 dmin, u8 scales[12], u8 qs[128]); x = d·S_j·q − dmin·M_j.
// quantizeQ4_K is llama.cpp `quantize_row_q4_K_ref` (ggml-quants.c) with its `make_qkx2_quants` search, in
// f32 arithmetic step by step (see ./round.ts), so it writes the bytes llama-quantize writes without an
// importance matrix.
import { F16_TABLE, f32ToF16 } from './f16.js';
import { clamp, f, nearestInt } from './round.js';

const QK_K = 256;
const BYTES = 2 + 2 + 12 + QK_K / 2;

/** ggml-quants.c `get_scale_min_k4`: the 6-bit scale and min of sub-block j from the 12 packed bytes. */
export function scaleMinK4(j: number, q: Uint8Array, at: number): [number, number] {
  if (j < 4) return [q[at + j]! & 63, q[at + j + 4]! & 63];
  return [(q[at + j + 4]! & 0xf) | ((q[at + j - 4]! >> 6) << 4), (q[at + j + 4]! >> 4) | ((q[at + j]! >> 6) << 4)];
}

export function dequantizeQ4_K(bytes: Uint8Array, out: Float32Array = new Float32Array((bytes.length / BYTES) * QK_K)): Float32Array {
  for (let b = 0; b < out.length / QK_K; b++) {
    const p = b * BYTES;
    const d = F16_TABLE[bytes[p]! | (bytes[p + 1]! << 8)]!;
    const dmin = F16_TABLE[bytes[p + 2]! | (bytes[p + 3]! << 8)]!;
    let y = b * QK_K;
    // Each 32-byte chunk c of qs holds sub-block 2c in its low nibbles and 2c+1 in its high nibbles.
    for (let c = 0; c < 4; c++) {
      const [sc1, m1] = scaleMinK4(2 * c, bytes, p + 4);
      const [sc2, m2] = scaleMinK4(2 * c + 1, bytes, p + 4);
      const d1 = f(d * sc1), min1 = f(dmin * m1);
      const d2 = f(d * sc2), min2 = f(dmin * m2);
      const qs = p + 16 + 32 * c;
      for (let l = 0; l < 32; l++) out[y++] = f(f(d1 * (bytes[qs + l]! & 0xf)) - min1);
      for (let l = 0; l < 32; l++) out[y++] = f(f(d2 * (bytes[qs + l]! >> 4)) - min2);
    }
  }
  return out;
}

/**
 * ggml-quants.c `make_qkx2_quants`: fits x ≈ scale·L − min (L in 0..nmax, min ≥ 0) by weighted least squares
 * over nstep+1 trial scales. Writes L[0..n) and returns [scale, min].
 */
function makeQkx2Quants(n: number, nmax: number, x: Float32Array, xo: number, w: Float32Array, L: Uint8Array, lo: number,
  Laux: Uint8Array, rmin: number, rdelta: number, nstep: number): [number, number] {
  let min = x[xo]!;
  let max = x[xo]!;
  let sumW = w[0]!;
  let sumX = f(sumW * x[xo]!);
  for (let i = 1; i < n; i++) {
    const xi = x[xo + i]!;
    if (xi < min) min = xi;
    if (xi > max) max = xi;
    sumW = f(sumW + w[i]!);
    sumX = f(sumX + f(w[i]! * xi));
  }
  if (min > 0) min = 0;
  if (max === min) {
    L.fill(0, lo, lo + n);
    return [0, -min];
  }
  let iscale = f(nmax / f(max - min));
  let scale = f(1 / iscale);
  let bestError = 0;
  for (let i = 0; i < n; i++) {
    const l = clamp(nearestInt(f(iscale * f(x[xo + i]! - min))), 0, nmax);
    L[lo + i] = l;
    const diff = f(f(f(scale * l) + min) - x[xo + i]!);
    bestError = f(bestError + f(w[i]! * f(diff * diff)));
  }
  for (let is = 0; is <= nstep; is++) {
    iscale = f(f(f(rmin + f(rdelta * is)) + nmax) / f(max - min));
    let sumL = 0, sumL2 = 0, sumXL = 0;
    for (let i = 0; i < n; i++) {
      const l = clamp(nearestInt(f(iscale * f(x[xo + i]! - min))), 0, nmax);
      Laux[i] = l;
      const wl = f(w[i]! * l);
      sumL = f(sumL + wl);
      sumL2 = f(sumL2 + f(wl * l));
      sumXL = f(sumXL + f(wl * x[xo + i]!));
    }
    const D = f(f(sumW * sumL2) - f(sumL * sumL));
    if (D > 0) {
      let thisScale = f(f(f(sumW * sumXL) - f(sumX * sumL)) / D);
      let thisMin = f(f(f(sumL2 * sumX) - f(sumL * sumXL)) / D);
      if (thisMin > 0) {
        thisMin = 0;
        thisScale = f(sumXL / sumL2);
      }
      let curError = 0;
      for (let i = 0; i < n; i++) {
        const diff = f(f(f(thisScale * Laux[i]!) + thisMin) - x[xo + i]!);
        curError = f(curError + f(w[i]! * f(diff * diff)));
      }
      if (curError < bestError) {
        L.set(Laux.subarray(0, n), lo);
        bestError = curError;
        scale = thisScale;
        min = thisMin;
      }
    }
  }
  return [scale, -min];
}

export function quantizeQ4_K(x: Float32Array, out: Uint8Array = new Uint8Array((x.length / QK_K) * BYTES)): Uint8Array {
  const L = new Uint8Array(QK_K);
  const Laux = new Uint8Array(32);
  const weights = new Float32Array(32);
  const scales = new Float32Array(8);
  const mins = new Float32Array(8);
  for (let b = 0; b < x.length / QK_K; b++) {
    const xb = b * QK_K;
    const p = b * BYTES;
    let maxScale = 0;
    let maxMin = 0;
    for (let j = 0; j < 8; j++) {
      let sumX2 = 0;
      for (let l = 0; l < 32; l++) sumX2 = f(sumX2 + f(x[xb + 32 * j + l]! * x[xb + 32 * j + l]!));
      const avX = f(Math.sqrt(f(sumX2 / 32)));
      for (let l = 0; l < 32; l++) weights[l] = f(avX + Math.abs(x[xb + 32 * j + l]!));
      [scales[j], mins[j]] = makeQkx2Quants(32, 15, x, xb + 32 * j, weights, L, 32 * j, Laux, -1, f(0.1), 20);
      if (scales[j]! > maxScale) maxScale = scales[j]!;
      if (mins[j]! > maxMin) maxMin = mins[j]!;
    }
    const invScale = maxScale > 0 ? f(63 / maxScale) : 0;
    const invMin = maxMin > 0 ? f(63 / maxMin) : 0;
    const sc = out.subarray(p + 4, p + 16);
    sc.fill(0);
    for (let j = 0; j < 8; j++) {
      const ls = Math.min(63, nearestInt(f(invScale * scales[j]!)) & 0xff); // uint8_t, then MIN(63, ·)
      const lm = Math.min(63, nearestInt(f(invMin * mins[j]!)) & 0xff);
      if (j < 4) {
        sc[j] = ls;
        sc[j + 4] = lm;
      } else {
        sc[j + 4] = (ls & 0xf) | ((lm & 0xf) << 4);
        sc[j - 4]! |= (ls >> 4) << 6;
        sc[j]! |= (lm >> 4) << 6;
      }
    }
    const hd = f32ToF16(f(maxScale / 63));
    const hm = f32ToF16(f(maxMin / 63));
    out[p] = hd & 0xff; out[p + 1] = hd >> 8; out[p + 2] = hm & 0xff; out[p + 3] = hm >> 8;
    for (let j = 0; j < 8; j++) {
      const [s, m] = scaleMinK4(j, out, p + 4);
      const d = f(F16_TABLE[hd]! * s);
      if (!d) continue; // keeps the levels make_qkx2_quants chose (as the reference does)
      const dm = f(F16_TABLE[hm]! * m);
      for (let i = 0; i < 32; i++) L[32 * j + i] = clamp(nearestInt(f(f(x[xb + 32 * j + i]! + dm) / d)), 0, 15);
    }
    for (let c = 0; c < 4; c++) {
      for (let l = 0; l < 32; l++) out[p + 16 + 32 * c + l] = L[64 * c + l]! | (L[64 * c + l + 32]! << 4);
    }
  }
  return out;
}
