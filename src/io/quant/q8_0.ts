// Q8_0: blocks of 32 values as an f16 scale d and 32 int8 quants, x = d·q (ggml-common.h `block_q8_0`).
// quantizeQ8_0 is llama.cpp `quantize_row_q8_0_ref`: d = amax/127, q = roundf(x/d) with the f32 reciprocal.
import { F16_TABLE, f32ToF16 } from './f16.js';
import { f, roundAway } from './round.js';

const QK = 32;
const BYTES = 2 + QK;

export function quantizeQ8_0(x: Float32Array, out: Uint8Array = new Uint8Array((x.length / QK) * BYTES)): Uint8Array {
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (let b = 0; b < x.length / QK; b++) {
    const o = b * QK;
    let amax = 0;
    for (let j = 0; j < QK; j++) amax = Math.max(amax, Math.abs(x[o + j]!));
    const d = f(amax / 127);
    const id = d ? f(1 / d) : 0;
    dv.setUint16(b * BYTES, f32ToF16(d), true);
    for (let j = 0; j < QK; j++) dv.setInt8(b * BYTES + 2 + j, roundAway(f(x[o + j]! * id)));
  }
  return out;
}

export function dequantizeQ8_0(bytes: Uint8Array, out: Float32Array = new Float32Array((bytes.length / BYTES) * QK)): Float32Array {
  const q = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let b = 0; b < out.length / QK; b++) {
    const p = b * BYTES;
    const d = F16_TABLE[bytes[p]! | (bytes[p + 1]! << 8)]!;
    for (let j = 0; j < QK; j++) out[b * QK + j] = f(q[p + 2 + j]! * d);
  }
  return out;
}
