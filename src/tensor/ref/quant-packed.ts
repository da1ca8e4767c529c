// The load-time "x16" layout of Q8_0 / Q4_0 weights (native/kernels/qpack/qpack.h), mirrored in TypeScript so
// that packed weights can be turned back into GGUF blocks (a backend without packed products, embedding rows,
// tests of the native packer): per 16-row group and 32-value block one record of 16 f16 scales, then 32-bit lanes
// (lane r = row 16g + r): Q4_0 4 × 64 bytes (bytes 4j … 4j+3 of each row's qs), Q8_0 8 × 64 bytes (qs + 128).
import { ShapeError } from '../../util/errors.js';

const ROWS = 16;
const BLOCK_BYTES: Record<number, number> = { 2: 18, 8: 34 };

/** Bytes per GGUF block of a packable type (Q4_0 2, Q8_0 8); throws for any other. */
function blockBytes(ggmlType: number): number {
  const bb = BLOCK_BYTES[ggmlType];
  if (!bb) throw new ShapeError('unpackQuant', 'ggml type', 'Q4_0 (2) or Q8_0 (8)', `${ggmlType}`);
  return bb;
}

/** Bytes of N rows of K values packed in 16-row groups (the last group padded with zero rows). */
export function packedBytes(ggmlType: number, N: number, K: number): number {
  return Math.ceil(N / ROWS) * ROWS * (K / 32) * blockBytes(ggmlType);
}

/** Rows [n0, n1) of a packed matrix (N rows of K values) as GGUF blocks, rows contiguous. */
export function unpackQuant(packed: Uint8Array, ggmlType: number, N: number, K: number, n0 = 0, n1 = N): Uint8Array {
  const bb = blockBytes(ggmlType), nb = K / 32, rb = ROWS * bb;
  if (K % 32 !== 0 || packed.length < packedBytes(ggmlType, N, K) || n0 < 0 || n1 > N || n0 > n1) {
    throw new ShapeError('unpackQuant', 'packed matrix', `${packedBytes(ggmlType, N, K)} bytes, K a multiple of 32, rows in [0, ${N}]`, `${packed.length} bytes, K ${K}, rows [${n0}, ${n1})`);
  }
  const out = new Uint8Array((n1 - n0) * nb * bb);
  const q4 = ggmlType === 2;
  for (let n = n0; n < n1; n++) {
    const g = Math.floor(n / ROWS), r = n % ROWS;
    for (let b = 0; b < nb; b++) {
      const rec = (g * nb + b) * rb, dst = ((n - n0) * nb + b) * bb;
      out[dst] = packed[rec + 2 * r]!;
      out[dst + 1] = packed[rec + 2 * r + 1]!;
      const q = rec + 2 * ROWS;
      for (let j = 0; j < (q4 ? 4 : 8); j++) {
        for (let i = 0; i < 4; i++) {
          const v = packed[q + 64 * j + 4 * r + i]!;
          out[dst + 2 + 4 * j + i] = q4 ? v : v ^ 0x80;
        }
      }
    }
  }
  return out;
}
