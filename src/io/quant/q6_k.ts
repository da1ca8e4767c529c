// Q6_K: super-blocks of 256 values = 16 sub-blocks of 16 with an int8 scale each (ggml-common.h
// `block_q6_K`: u8 ql[128] low 4 bits, u8 qh[64] high 2 bits, i8 scales[16], f16 d LAST); x = d·sc·(q − 32).
// quantizeQ6_K is llama.cpp `quantize_row_q6_K_ref` with its `make_qx_quants` (rmse_type 1) search, in f32
// arithmetic step by step (see ./round.ts).
import { F16_TABLE, f32ToF16 } from './f16.js';
import { clamp, f, nearestInt } from './round.js';

const QK_K = 256;
const BYTES = QK_K / 2 + QK_K / 4 + QK_K / 16 + 2;
const GROUP_MAX_EPS = f(1e-15);

export function dequantizeQ6_K(bytes: Uint8Array, out: Float32Array = new Float32Array((bytes.length / BYTES) * QK_K)): Float32Array {
  const sc = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let b = 0; b < out.length / QK_K; b++) {
    const p = b * BYTES;
    const d = F16_TABLE[bytes[p + 208]! | (bytes[p + 209]! << 8)]!;
    // Two halves of 128 values; each reads 64 bytes of ql, 32 of qh and 8 scales.
    for (let half = 0; half < 2; half++) {
      const ql = p + 64 * half;
      const qh = p + 128 + 32 * half;
      const s = p + 192 + 8 * half;
      const y = b * QK_K + 128 * half;
      for (let l = 0; l < 32; l++) {
        const is = l >> 4;
        const h = bytes[qh + l]!;
        const q1 = ((bytes[ql + l]! & 0xf) | ((h & 3) << 4)) - 32;
        const q2 = ((bytes[ql + l + 32]! & 0xf) | (((h >> 2) & 3) << 4)) - 32;
        const q3 = ((bytes[ql + l]! >> 4) | (((h >> 4) & 3) << 4)) - 32;
        const q4 = ((bytes[ql + l + 32]! >> 4) | (((h >> 6) & 3) << 4)) - 32;
        out[y + l] = f(f(d * sc[s + is]!) * q1);
        out[y + l + 32] = f(f(d * sc[s + is + 2]!) * q2);
        out[y + l + 64] = f(f(d * sc[s + is + 4]!) * q3);
        out[y + l + 96] = f(f(d * sc[s + is + 6]!) * q4);
      }
    }
  }
  return out;
}

/**
 * ggml-quants.c `make_qx_quants` with rmse_type 1 and no importance weights: symmetric levels
 * L − nmax in −nmax..nmax−1, weight x², 19 trial scales around nmax/max. Writes L, returns the scale.
 */
function makeQxQuants(n: number, nmax: number, x: Float32Array, xo: number, L: Int8Array, lo: number): number {
  let max = 0;
  let amax = 0;
  for (let i = 0; i < n; i++) {
    const ax = Math.abs(x[xo + i]!);
    if (ax > amax) {
      amax = ax;
      max = x[xo + i]!;
    }
  }
  if (amax < GROUP_MAX_EPS) {
    L.fill(0, lo, lo + n);
    return 0;
  }
  const sums = (iscale: number): [number, number] => {
    let sumlx = 0, suml2 = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[xo + i]!;
      const l = clamp(nearestInt(f(iscale * xi)), -nmax, nmax - 1);
      const w = f(xi * xi);
      sumlx = f(sumlx + f(f(w * xi) * l));
      suml2 = f(suml2 + f(f(w * l) * l));
    }
    return [sumlx, suml2];
  };
  const setL = (iscale: number) => {
    for (let i = 0; i < n; i++) L[lo + i] = nmax + clamp(nearestInt(f(iscale * x[xo + i]!)), -nmax, nmax - 1);
  };
  let iscale = f(-nmax / max);
  setL(iscale);
  let [sumlx, suml2] = sums(iscale);
  let scale = suml2 ? f(sumlx / suml2) : 0;
  let best = f(scale * sumlx);
  for (let is = -9; is <= 9; is++) {
    if (is === 0) continue;
    iscale = f(-f(nmax + f(f(0.1) * is)) / max);
    [sumlx, suml2] = sums(iscale);
    if (suml2 > 0 && f(sumlx * sumlx) > f(best * suml2)) {
      setL(iscale);
      scale = f(sumlx / suml2);
      best = f(scale * sumlx);
    }
  }
  return scale;
}

export function quantizeQ6_K(x: Float32Array, out: Uint8Array = new Uint8Array((x.length / QK_K) * BYTES)): Uint8Array {
  const L = new Int8Array(QK_K);
  const scales = new Float32Array(16);
  const sc = new Int8Array(out.buffer, out.byteOffset, out.byteLength);
  for (let b = 0; b < x.length / QK_K; b++) {
    const xb = b * QK_K;
    const p = b * BYTES;
    let maxScale = 0;
    let maxAbsScale = 0;
    for (let ib = 0; ib < 16; ib++) {
      scales[ib] = makeQxQuants(16, 32, x, xb + 16 * ib, L, 16 * ib);
      const abs = Math.abs(scales[ib]!);
      if (abs > maxAbsScale) {
        maxAbsScale = abs;
        maxScale = scales[ib]!;
      }
    }
    if (maxAbsScale < GROUP_MAX_EPS) {
      out.fill(0, p, p + BYTES); // an all-zero block, d = 0
      continue;
    }
    const iscale = f(-128 / maxScale);
    const hd = f32ToF16(f(1 / iscale));
    out[p + 208] = hd & 0xff;
    out[p + 209] = hd >> 8;
    for (let ib = 0; ib < 16; ib++) sc[p + 192 + ib] = Math.min(127, nearestInt(f(iscale * scales[ib]!)));
    for (let j = 0; j < 16; j++) {
      const d = f(F16_TABLE[hd]! * sc[p + 192 + j]!);
      if (!d) continue; // keeps the levels make_qx_quants chose (as the reference does)
      for (let i = 0; i < 16; i++) L[16 * j + i] = 32 + clamp(nearestInt(f(x[xb + 16 * j + i]! / d)), -32, 31);
    }
    for (let half = 0; half < 2; half++) {
      const ql = p + 64 * half;
      const qh = p + 128 + 32 * half;
      const j = 128 * half;
      for (let l = 0; l < 32; l++) {
        const l0 = L[j + l]!, l1 = L[j + l + 32]!, l2 = L[j + l + 64]!, l3 = L[j + l + 96]!;
        out[ql + l] = (l0 & 0xf) | ((l2 & 0xf) << 4);
        out[ql + l + 32] = (l1 & 0xf) | ((l3 & 0xf) << 4);
        out[qh + l] = (l0 >> 4) | ((l1 >> 4) << 2) | ((l2 >> 4) << 4) | ((l3 >> 4) << 6);
      }
    }
  }
  return out;
}
