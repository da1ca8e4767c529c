// IEEE half (F16) and brain float (BF16) conversions, scalar and over arrays. f32 → f16 rounds to nearest
// even with subnormals and overflow to ±inf, NaN → quiet NaN (0x7E00 | sign, as ggml's portable
// ggml_compute_fp32_to_fp16); f16 → f32 is exact via a 65536-entry table (ggml's ggml_table_f32_f16).
// f32 → bf16 is ggml's GGML_FP32_TO_BF16 (ggml-impl.h `ggml_compute_fp32_to_bf16`): round to nearest even on
// the upper 16 bits, subnormals kept, NaN forced quiet with bit 6; bf16 → f32 is a 16-bit shift.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** f32 bit pattern → f16 bit pattern. */
export function f32BitsToF16(bits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const abs = bits & 0x7fffffff;
  if (abs > 0x7f800000) return sign | 0x7e00; // NaN
  if (abs >= 0x477ff000) return sign | 0x7c00; // ≥ 65520 (half-way past 65504) rounds to inf; inf stays inf
  if (abs >= 0x38800000) {
    // Normal: rebias the exponent (127 → 15), then round the 13 dropped mantissa bits to nearest even.
    const v = abs - 0x38000000;
    return sign | ((v + 0xfff + ((v >>> 13) & 1)) >>> 13);
  }
  // Subnormal or zero: the value in units of 2^-24 (exact in a double), rounded half to even. A result of
  // 1024 is the smallest normal, whose encoding is 0x400, so no special case is needed.
  u32[0] = abs;
  const units = f32[0]! * 2 ** 24;
  let m = Math.floor(units);
  const frac = units - m;
  if (frac > 0.5 || (frac === 0.5 && (m & 1) === 1)) m++;
  return sign | m;
}

/** f16 bit pattern → f32 value (exact). */
export function f16BitsToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 31) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1024 + mant) * 2 ** (exp - 25);
}

export function f32ToF16(x: number): number {
  f32[0] = x;
  return f32BitsToF16(u32[0]!);
}

/** f16 bit pattern → f32 bit pattern (exact; NaN sign and payload kept, as a hardware conversion does). */
export function f16BitsToF32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 31) return (sign | 0x7f800000 | (mant << 13)) >>> 0;
  f32[0] = Math.abs(f16BitsToF32(h));
  return (sign | u32[0]!) >>> 0;
}

/** The 65536 f16 values as f32 bit patterns, built once (ggml_table_f32_f16), and as numbers. */
export const F16_TO_F32_BITS: Uint32Array = Uint32Array.from({ length: 65536 }, (_, h) => f16BitsToF32Bits(h));
export const F16_TABLE: Float32Array = new Float32Array(F16_TO_F32_BITS.buffer);

export function f32BitsToBf16(bits: number): number {
  if ((bits & 0x7fffffff) > 0x7f800000) return ((bits >>> 16) | 64) & 0xffff; // NaN: force quiet
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}

export function f32ToBf16(x: number): number {
  f32[0] = x;
  return f32BitsToBf16(u32[0]!);
}

export function bf16ToF32(h: number): number {
  u32[0] = h << 16;
  return f32[0]!;
}

// --- arrays: little-endian byte buffers of the 16-bit formats ---

/** Views bytes as u16 without copying when aligned (a tensor read from a file always is), else copies. */
function u16View(bytes: Uint8Array): Uint16Array {
  if (bytes.byteOffset % 2 === 0) return new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 1);
  return new Uint16Array(bytes.slice().buffer);
}

export function f16BytesToF32(bytes: Uint8Array, out: Float32Array = new Float32Array(bytes.byteLength >>> 1)): Float32Array {
  const h = u16View(bytes);
  // Copy bit patterns, not numbers, so that NaN payloads and signs survive.
  const o = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < h.length; i++) o[i] = F16_TO_F32_BITS[h[i]!]!;
  return out;
}

export function f32ToF16Bytes(x: Float32Array): Uint8Array {
  const bits = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const h = new Uint16Array(x.length);
  for (let i = 0; i < x.length; i++) h[i] = f32BitsToF16(bits[i]!);
  return new Uint8Array(h.buffer);
}

export function bf16BytesToF32(bytes: Uint8Array, out: Float32Array = new Float32Array(bytes.byteLength >>> 1)): Float32Array {
  const h = u16View(bytes);
  const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < h.length; i++) bits[i] = h[i]! << 16;
  return out;
}

export function f32ToBf16Bytes(x: Float32Array): Uint8Array {
  const bits = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const h = new Uint16Array(x.length);
  for (let i = 0; i < x.length; i++) h[i] = f32BitsToBf16(bits[i]!);
  return new Uint8Array(h.buffer);
}
