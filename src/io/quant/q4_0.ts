// Q4_0: blocks of 32 values as an f16 scale d and 16 bytes of nibbles (ggml-common.h `block_q4_0`): byte j
// holds value j in its low nibble and value j+16 in its high nibble, x = d·(q − 8). quantizeQ4_0 is llama.cpp
// `quantize_row_q4_0_ref`: d = m/−8 where m is the value of largest magnitude (sign kept, so that value
// maps to q = 0 exactly), q = min(15, (int8)(x/d + 8.5)) — truncation, not rounding.
import { F16_TABLE, f32ToF16 } from './f16.js';
import { f } from './round.js';

const QK = 32;
const BYTES = 2 + QK / 2;

export function quantizeQ4_0(x: Float32Array, out: Uint8Array = new Uint8Array((x.length / QK) * BYTES)): Uint8Array {
  for (let b = 0; b < x.length / QK; b++) {
    const o = b * QK;
    let amax = 0;
    let max = 0;
    for (let j = 0; j < QK; j++) {
      const v = x[o + j]!;
      if (amax < Math.abs(v)) {
        amax = Math.abs(v);
        max = v;
      }
    }
    const d = f(max / -8);
    const id = d ? f(1 / d) : 0;
    const h = f32ToF16(d);
    const p = b * BYTES;
    out[p] = h & 0xff;
    out[p + 1] = h >>> 8;
    for (let j = 0; j < QK / 2; j++) {
      const q0 = Math.min(15, Math.trunc(f(f(x[o + j]! * id) + 8.5)));
      const q1 = Math.min(15, Math.trunc(f(f(x[o + j + QK / 2]! * id) + 8.5)));
      out[p + 2 + j] = q0 | (q1 << 4);
    }
  }
  return out;
}

export function dequantizeQ4_0(bytes: Uint8Array, out: Float32Array = new Float32Array((bytes.length / BYTES) * QK)): Float32Array {
  for (let b = 0; b < out.length / QK; b++) {
    const p = b * BYTES;
    const d = F16_TABLE[bytes[p]! | (bytes[p + 1]! << 8)]!;
    for (let j = 0; j < QK / 2; j++) {
      const q = bytes[p + 2 + j]!;
      out[b * QK + j] = f(((q & 15) - 8) * d);
      out[b * QK + j + QK / 2] = f(((q >>> 4) - 8) * d);
    }
  }
  return out;
}
