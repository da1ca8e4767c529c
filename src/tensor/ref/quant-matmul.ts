// Products with weights in GGUF block types (native: native/kernels/quant/), two TypeScript oracles:
//
// - matmulQuant (the reference backend's kernel): every weight row dequantized with the io codecs
//   (src/io/quant/), times the float32 activations, summed in float64 — the exact product of the weights the
//   file holds.
// - matmulQuantScheme: what llama.cpp (and our native kernels) compute instead — the activations quantized on
//   the fly to the weight type's vec_dot_type (Q8_0 for Q8_0/Q4_0, Q8_K for Q4_K/Q6_K, BF16 for BF16; F16 keeps
//   float32 activations, see quant.h) and exact integer sums per block, the block results summed in float64.
//   Native kernels differ from it only by float32 rounding of those block sums; `magnitude` returns Σ|terms| of
//   the same sum so tests can bound that rounding.
import { bf16BytesToF32, bf16ToF32, f32ToBf16, F16_TABLE } from '../../io/quant/f16.js';
import { dequantize } from '../../io/quant/codec.js';
import { scaleMinK4 } from '../../io/quant/q4_k.js';
import { quantizeQ8_0 } from '../../io/quant/q8_0.js';
import { f, nearestInt } from '../../io/quant/round.js';
import { GGML, ggmlTypeName } from '../../io/quant/types.js';
import { checkDim, checkLen } from './check.js';

/** The weight types matmulQuant accepts: ggml id → [elements per block, bytes per block]. */
export const QUANT_MATMUL_TYPES: ReadonlyMap<number, { name: string; block: number; bytes: number }> = new Map(
  (['F16', 'BF16', 'Q8_0', 'Q4_0', 'Q4_K', 'Q6_K'] as const).map((n) => [GGML[n].id, { name: n, block: GGML[n].block, bytes: GGML[n].bytes }]),
);

/** Checks a product's arguments like the native binding (RangeError) and returns the bytes of one weight row. */
function checkArgs(op: string, out: Float32Array, x: Float32Array, w: Uint8Array, type: number, d: { M: number; K: number; N: number }): number {
  checkDim(op, 'dims.M', d.M);
  checkDim(op, 'dims.K', d.K, 1);
  checkDim(op, 'dims.N', d.N);
  const rowBytes = rowBytesOf(op, type, d.K);
  checkLen(op, 'out', out, d.M * d.N);
  checkLen(op, 'x', x, d.M * d.K);
  checkLen(op, 'w', w, d.N * rowBytes);
  return rowBytes;
}

function rowBytesOf(op: string, type: number, K: number): number {
  const t = QUANT_MATMUL_TYPES.get(type);
  if (!t) throw new RangeError(`${op}: ggmlType: ${type} (${ggmlTypeName(type)}) is not supported (F16 1, Q4_0 2, Q8_0 8, Q4_K 12, Q6_K 14, BF16 30)`);
  if (K % t.block !== 0) throw new RangeError(`${op}: K: ${K} is not a multiple of the block size ${t.block} of ${t.name}`);
  return (K / t.block) * t.bytes;
}

/** Row `row` of a ggml-typed matrix with K columns → out[0..K) (the io codecs' dequantization). */
export function dequantizeRow(out: Float32Array, w: Uint8Array, ggmlType: number, row: number, K: number): void {
  const op = 'dequantizeRow';
  checkDim(op, 'row', row);
  checkDim(op, 'K', K, 1);
  const rowBytes = rowBytesOf(op, ggmlType, K);
  checkLen(op, 'out', out, K);
  checkLen(op, 'w', w, (row + 1) * rowBytes);
  out.set(dequantize(ggmlType, w.subarray(row * rowBytes, (row + 1) * rowBytes), K, op));
}

/** out[M, N] = x[M, K] · Wᵀ with W dequantized exactly, float64 sums (one rounding per output). */
export function matmulQuant(out: Float32Array, x: Float32Array, w: Uint8Array, ggmlType: number, d: { M: number; K: number; N: number }): void {
  const rowBytes = checkArgs('matmulQuant', out, x, w, ggmlType, d);
  const { M, K, N } = d;
  for (let n = 0; n < N; n++) {
    const wr = dequantize(ggmlType, w.subarray(n * rowBytes, (n + 1) * rowBytes), K, 'matmulQuant');
    for (let m = 0; m < M; m++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += x[m * K + k]! * wr[k]!;
      out[m * N + n] = s;
    }
  }
}

// ---- activation quantizers (llama.cpp ggml-quants.c) -----------------------------------------------------------

/** A Q8_K block as numbers: f32 scale d, 256 quants, 16 sums of 16. */
export interface Q8KBlock {
  d: number;
  qs: Int8Array;
  bsums: Int32Array;
}

/** llama.cpp `quantize_row_q8_K_ref`: iscale = −127/max (max = first value of largest magnitude), q = nearest(x·iscale). */
export function quantizeRowQ8K(x: Float32Array): Q8KBlock[] {
  const out: Q8KBlock[] = [];
  for (let b = 0; b < x.length / 256; b++) {
    const blk: Q8KBlock = { d: 0, qs: new Int8Array(256), bsums: new Int32Array(16) };
    let max = 0, amax = 0;
    for (let j = 0; j < 256; j++) {
      const ax = Math.abs(x[256 * b + j]!);
      if (ax > amax) {
        amax = ax;
        max = x[256 * b + j]!;
      }
    }
    if (amax !== 0) {
      const iscale = f(-127 / max);
      for (let j = 0; j < 256; j++) blk.qs[j] = Math.min(127, nearestInt(f(iscale * x[256 * b + j]!)));
      for (let j = 0; j < 16; j++) for (let i = 0; i < 16; i++) blk.bsums[j]! += blk.qs[16 * j + i]!;
      blk.d = f(1 / iscale);
    }
    out.push(blk);
  }
  return out;
}

/**
 * The activation row a native product uses, in the native byte layout (native/kernels/quant/quant.h
 * `act_row_bytes`): Q8_0 = K int8 then K/32 f32 scales (f16-rounded); Q8_K = 292-byte blocks {f32 d, i8 qs[256],
 * i16 bsums[16]}; BF16 = K uint16; F16 = the K floats. Tests compare it byte for byte with the addon's.
 */
export function activationRowBytes(ggmlType: number, x: Float32Array): Uint8Array {
  const K = x.length;
  if (ggmlType === GGML.Q8_0.id || ggmlType === GGML.Q4_0.id) {
    const blocks = quantizeQ8_0(x);
    const out = new Uint8Array(K + (K / 32) * 4);
    const ds = new DataView(out.buffer);
    for (let b = 0; b < K / 32; b++) {
      out.set(blocks.subarray(34 * b + 2, 34 * b + 34), 32 * b);
      ds.setFloat32(K + 4 * b, F16_TABLE[blocks[34 * b]! | (blocks[34 * b + 1]! << 8)]!, true);
    }
    return out;
  }
  if (ggmlType === GGML.Q4_K.id || ggmlType === GGML.Q6_K.id) {
    const blocks = quantizeRowQ8K(x);
    const out = new Uint8Array(blocks.length * 292);
    const dv = new DataView(out.buffer);
    blocks.forEach((blk, b) => {
      dv.setFloat32(292 * b, blk.d, true);
      out.set(new Uint8Array(blk.qs.buffer), 292 * b + 4);
      for (let j = 0; j < 16; j++) dv.setInt16(292 * b + 260 + 2 * j, blk.bsums[j]!, true);
    });
    return out;
  }
  if (ggmlType === GGML.BF16.id) return new Uint8Array(Uint16Array.from(x, (v) => f32ToBf16(v)).buffer);
  return new Uint8Array(Float32Array.from(x).buffer);
}

// ---- the scheme oracle ---------------------------------------------------------------------------------------

/** One output of the scheme: the value (float64 sum of exact per-block integer results) and Σ|terms|. */
type SchemeDot = (wr: Uint8Array, K: number) => { value: number; magnitude: number };

const f16 = (b: Uint8Array, at: number): number => F16_TABLE[b[at]! | (b[at + 1]! << 8)]!;

/** The dot product of one weight row with activation row x under the type's scheme. */
function schemeDot(type: number, x: Float32Array): SchemeDot {
  const K = x.length;
  if (type === GGML.Q8_0.id || type === GGML.Q4_0.id) {
    const a = quantizeQ8_0(x);
    const q8 = type === GGML.Q8_0.id;
    const bytes = q8 ? 34 : 18;
    return (wr) => {
      let value = 0, magnitude = 0;
      const ws = new Int8Array(wr.buffer, wr.byteOffset, wr.byteLength);
      for (let b = 0; b < K / 32; b++) {
        let sumi = 0, mag = 0;
        for (let j = 0; j < 32; j++) {
          const qy = (a[34 * b + 2 + j]! << 24) >> 24;
          const qw = q8 ? ws[bytes * b + 2 + j]! : j < 16 ? (wr[bytes * b + 2 + j]! & 15) - 8 : (wr[bytes * b + 2 + j - 16]! >> 4) - 8;
          sumi += qw * qy;
          mag += Math.abs(qw * qy);
        }
        const s = f16(wr, bytes * b) * f16(a, 34 * b);
        value += sumi * s;
        magnitude += mag * Math.abs(s);
      }
      return { value, magnitude };
    };
  }
  if (type === GGML.Q4_K.id || type === GGML.Q6_K.id) {
    const ys = quantizeRowQ8K(x);
    if (type === GGML.Q4_K.id) {
      return (wr) => {
        let value = 0, magnitude = 0;
        for (let b = 0; b < K / 256; b++) {
          const p = 144 * b;
          const y = ys[b]!;
          let sumi = 0, summ = 0, magi = 0, magm = 0;
          for (let j = 0; j < 8; j++) {
            const [sc, m] = scaleMinK4(j, wr, p + 4);
            const qs = p + 16 + 32 * (j >> 1);
            const shift = (j & 1) * 4;
            let s = 0, sa = 0;
            for (let l = 0; l < 32; l++) {
              const t = ((wr[qs + l]! >> shift) & 15) * y.qs[32 * j + l]!;
              s += t;
              sa += Math.abs(t);
            }
            sumi += sc * s;
            magi += sc * sa;
            summ += m * (y.bsums[2 * j]! + y.bsums[2 * j + 1]!);
            let ya = 0;
            for (let l = 0; l < 32; l++) ya += Math.abs(y.qs[32 * j + l]!);
            magm += m * ya;
          }
          const d = f16(wr, p), dmin = f16(wr, p + 2);
          value += y.d * (d * sumi - dmin * summ);
          magnitude += Math.abs(y.d) * (Math.abs(d) * magi + Math.abs(dmin) * magm);
        }
        return { value, magnitude };
      };
    }
    return (wr) => {
      let value = 0, magnitude = 0;
      const sc = new Int8Array(wr.buffer, wr.byteOffset, wr.byteLength);
      for (let b = 0; b < K / 256; b++) {
        const p = 210 * b;
        const y = ys[b]!;
        let sumi = 0, mag = 0;
        for (let i = 0; i < 256; i++) {
          // Value i of the super-block (layout: docs/llama-recipe.md §2 Q6_K).
          const half = i >> 7, r = i & 127, l = r & 31, part = r >> 5;
          const ql = wr[p + 64 * half + l + (part & 1) * 32]!;
          const qh = wr[p + 128 + 32 * half + l]!;
          const q = ((part < 2 ? ql & 15 : ql >> 4) | (((qh >> (2 * part)) & 3) << 4)) - 32;
          const s = sc[p + 192 + (i >> 4)]!;
          sumi += s * q * y.qs[i]!;
          mag += Math.abs(s * q * y.qs[i]!);
        }
        const d = f16(wr, p + 208);
        value += y.d * d * sumi;
        magnitude += Math.abs(y.d * d) * mag;
      }
      return { value, magnitude };
    };
  }
  // Float weights: BF16 activations are rounded to bf16 first (llama.cpp's vec_dot_type); F16 keeps float32 x.
  const xa = type === GGML.BF16.id ? Float32Array.from(x, (v) => bf16ToF32(f32ToBf16(v))) : x;
  const toF32 = type === GGML.BF16.id ? bf16BytesToF32 : (b: Uint8Array) => dequantize(GGML.F16.id, b, K);
  return (wr) => {
    const wf = toF32(wr);
    let value = 0, magnitude = 0;
    for (let k = 0; k < K; k++) {
      value += xa[k]! * wf[k]!;
      magnitude += Math.abs(xa[k]! * wf[k]!);
    }
    return { value, magnitude };
  };
}

/**
 * out[M, N] as llama.cpp computes it (activations quantized per row, exact integer block sums, float64 over
 * blocks); magnitude (optional, [M, N]) receives Σ|terms| of each output for rounding bounds.
 */
export function matmulQuantScheme(out: Float64Array, x: Float32Array, w: Uint8Array, ggmlType: number, d: { M: number; K: number; N: number }, magnitude?: Float64Array): void {
  const rowBytes = rowBytesOf('matmulQuantScheme', ggmlType, d.K);
  const { M, K, N } = d;
  for (let m = 0; m < M; m++) {
    const dot = schemeDot(ggmlType, x.subarray(m * K, (m + 1) * K));
    for (let n = 0; n < N; n++) {
      const r = dot(w.subarray(n * rowBytes, (n + 1) * rowBytes), K);
      out[m * N + n] = r.value;
      if (magnitude) magnitude[m * N + n] = r.magnitude;
    }
  }
}
