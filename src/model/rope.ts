// RoPE inverse frequencies θ_i = base^(−2i/headDim), i < headDim/2 (Su et al. 2021; Llama 2 base 10 000,
// Llama 3 base 500 000), with the Llama 3.1 / 3.2 frequency scaling for long context
// (meta-llama/llama-models `apply_scaling`; HF `_compute_llama3_parameters`; docs/llama-recipe.md §1):
//   λ = 2π/θ;  λ < N0/highFreqFactor → θ;  λ > N0/lowFreqFactor → θ/s;
//   else γ = (N0/λ − lowFreqFactor)/(highFreqFactor − lowFreqFactor), θ' = (1−γ)·θ/s + γ·θ
import type { ModelConfig, RopeScaling } from './config.js';

/** Unscaled inverse frequencies in float64. */
export function ropeInvFreqs(headDim: number, base: number): Float64Array {
  const half = headDim / 2;
  const out = new Float64Array(half);
  for (let i = 0; i < half; i++) out[i] = 1 / Math.pow(base, (2 * i) / headDim);
  return out;
}

/** Applies the Llama 3.1 scaling to one inverse frequency. */
export function scaleInvFreq(theta: number, s: RopeScaling): number {
  const wavelen = (2 * Math.PI) / theta;
  const lowFreqWavelen = s.originalMaxPositions / s.lowFreqFactor;
  const highFreqWavelen = s.originalMaxPositions / s.highFreqFactor;
  if (wavelen < highFreqWavelen) return theta;
  if (wavelen > lowFreqWavelen) return theta / s.factor;
  const smooth = (s.originalMaxPositions / wavelen - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor);
  return (1 - smooth) * (theta / s.factor) + smooth * theta;
}

/** The inverse frequencies the model rotates by (float32, as the kernels take them). */
export function ropeFreqs(c: Pick<ModelConfig, 'headDim' | 'ropeTheta' | 'ropeScaling'>): Float32Array {
  const base = ropeInvFreqs(c.headDim, c.ropeTheta);
  const out = new Float32Array(base.length);
  for (let i = 0; i < base.length; i++) out[i] = c.ropeScaling ? scaleInvFreq(base[i]!, c.ropeScaling) : base[i]!;
  return out;
}

/**
 * GGUF's `rope_freqs.weight`: the factor llama.cpp DIVIDES each unscaled frequency by (1, s, or the smooth
 * blend), as convert_hf_to_gguf.py writes it for Llama 3.1 (llama.cpp PR #8676).
 */
export function ropeFreqDivisors(c: Pick<ModelConfig, 'headDim' | 'ropeTheta' | 'ropeScaling'>): Float32Array {
  const base = ropeInvFreqs(c.headDim, c.ropeTheta);
  const out = new Float32Array(base.length).fill(1);
  const s = c.ropeScaling;
  if (!s) return out;
  const lowFreqWavelen = s.originalMaxPositions / s.lowFreqFactor;
  const highFreqWavelen = s.originalMaxPositions / s.highFreqFactor;
  for (let i = 0; i < base.length; i++) {
    const wavelen = (2 * Math.PI) / base[i]!;
    if (wavelen < highFreqWavelen) out[i] = 1;
    else if (wavelen > lowFreqWavelen) out[i] = s.factor;
    else {
      const smooth = (s.originalMaxPositions / wavelen - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor);
      out[i] = 1 / ((1 - smooth) / s.factor + smooth);
    }
  }
  return out;
}
