// Llama 3.1 RoPE scaling as GGUF stores it: `rope_freqs.weight`, hd/2 f32 divisors of the base frequencies
// (1 for high frequencies, the factor s for low ones, a smooth blend between), computed exactly as llama.cpp
// `convert_hf_to_gguf.py` `LlamaModel.generate_extra_tensors` does (float32 torch arithmetic; recipe §1,
// lcpp #8676). Reading goes the other way: recover the scaling parameters from the divisors.
// torch evaluates `scalar / tensor` as `tensor.reciprocal() * scalar` (torch/_tensor.py `__rtruediv__`),
// with the scalar cast to f32; the steps below follow that order.
import type { RopeScaling } from '../model/config.js';

const f = Math.fround;

/** The hd/2 divisors for base θ and head dim hd (each step rounded to f32 as torch does in float32). */
export function ropeFreqFactors(s: RopeScaling, theta: number, headDim: number): Float32Array {
  const out = new Float32Array(headDim / 2);
  // convert_hf_to_gguf reads original_max_position_embeddings from the top level of config.json, where
  // Llama 3.1 has none, so it always uses its default 8192 (= the rope_scaling value of every release).
  const oldContext = s.originalMaxPositions;
  const lowWavelen = oldContext / s.lowFreqFactor;
  const highWavelen = oldContext / s.highFreqFactor;
  for (let i = 0; i < headDim / 2; i++) {
    const freq = f(1 / f(Math.pow(theta, f(f(2 * i) / headDim)))); // 1 / base^(arange(0, hd, 2) / hd)
    const wavelen = f(f(1 / freq) * f(2 * Math.PI));
    if (wavelen < highWavelen) out[i] = 1;
    else if (wavelen > lowWavelen) out[i] = s.factor;
    else {
      const smooth = f(f(f(f(1 / wavelen) * oldContext) - s.lowFreqFactor) / f(s.highFreqFactor - s.lowFreqFactor));
      out[i] = f(1 / f(f(f(1 - smooth) / s.factor) + smooth));
    }
  }
  return out;
}

/**
 * The scaling that produced `factors`, or undefined if they are all 1 (no scaling). Every published Llama 3.1
 * / 3.2 / 3.3 uses low 1, high 4, original context 8192 with s = the largest divisor; anything else is
 * reported with the reason so the caller can name the file.
 */
export function ropeScalingFromFactors(factors: Float32Array, theta: number, headDim: number): RopeScaling | undefined | string {
  if (factors.length !== headDim / 2) return `${headDim / 2} values (head dim / 2)`;
  if (factors.every((v) => v === 1)) return undefined;
  const guess: RopeScaling = { factor: Math.max(...factors), lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 8192 };
  const ref = ropeFreqFactors(guess, theta, headDim);
  const close = ref.every((v, i) => Math.abs(v - factors[i]!) <= 1e-5 * Math.abs(v));
  return close ? guess : 'the Llama 3.1 divisors (low_freq_factor 1, high_freq_factor 4, original context 8192)';
}
