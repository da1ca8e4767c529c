// Single-precision arithmetic for the quantizers. llama.cpp's reference quantizers compute in C `float`;
// to produce the same bytes we round every operation to f32 with Math.fround (each +, −, ×, ÷ of two f32
// values computed in double and rounded once is the correctly rounded f32 result, since 53 ≥ 2·24 + 2).
// Builds that contract a·b + c into one FMA can differ in the last bit of a scale; byte-identical files are
// guaranteed against the C reference compiled without contraction.
export const f = Math.fround;

/** ggml-quants.c `nearest_int`: round half to even via the 1.5·2^23 trick, valid for |x| ≤ 4194303. */
export function nearestInt(x: number): number {
  return f(x + 12582912) - 12582912;
}

/** C `roundf`: halves away from zero (Math.round rounds them toward +∞). */
export function roundAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

export const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);
