import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ropeFreqDivisors, ropeFreqs, ropeInvFreqs, scaleInvFreq } from '../../src/model/rope.js';
import { llama31_8b, llama32_1b } from '../../src/model/presets.js';

// Oracle: the published formula (llama-models apply_scaling), evaluated here by hand for chosen frequencies.
const s8 = { factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 8192 };

test('Llama 3.1 scaling keeps high frequencies, divides low ones by the factor, blends the middle', () => {
  // High frequency: wavelength 2π/1 ≈ 6.28 < 2048 → unchanged.
  assert.equal(scaleInvFreq(1, s8), 1);
  // Low frequency: θ = 2π/10000 → wavelength 10000 > 8192 → θ/8.
  const low = (2 * Math.PI) / 10000;
  assert.ok(Math.abs(scaleInvFreq(low, s8) - low / 8) < 1e-18);
  // Middle: wavelength 4096 → γ = (8192/4096 − 1)/(4 − 1) = 1/3 → θ' = (2/3)·θ/8 + (1/3)·θ.
  const mid = (2 * Math.PI) / 4096;
  assert.ok(Math.abs(scaleInvFreq(mid, s8) - ((2 / 3) * (mid / 8) + mid / 3)) < 1e-18);
});

test('with head dim 128 and θ 5e5, 29 pairs are unchanged, 6 smoothed and 29 divided (recipe §1)', () => {
  const base = ropeInvFreqs(128, 500000);
  const scaled = ropeFreqs(llama31_8b());
  let same = 0, divided = 0, smooth = 0;
  for (let i = 0; i < 64; i++) {
    const r = base[i]! / scaled[i]!;
    if (Math.abs(r - 1) < 1e-6) same++;
    else if (Math.abs(r - 8) < 1e-5) divided++;
    else smooth++;
  }
  assert.deepEqual([same, smooth, divided], [29, 6, 29]);
  // head dim 64 (Llama 3.2 1B, factor 32): 15 / 3 / 14.
  const b64 = ropeInvFreqs(64, 500000);
  const s64 = ropeFreqs(llama32_1b());
  const counts = [0, 0, 0];
  for (let i = 0; i < 32; i++) {
    const r = b64[i]! / s64[i]!;
    counts[Math.abs(r - 1) < 1e-6 ? 0 : Math.abs(r - 32) < 1e-4 ? 2 : 1]!++;
  }
  assert.deepEqual(counts, [15, 3, 14]);
});

test('GGUF rope_freqs divisors reproduce the scaled frequencies', () => {
  const c = llama31_8b();
  const base = ropeInvFreqs(c.headDim, c.ropeTheta);
  const div = ropeFreqDivisors(c);
  const scaled = ropeFreqs(c);
  for (let i = 0; i < div.length; i++) assert.ok(Math.abs(base[i]! / div[i]! - scaled[i]!) / scaled[i]! < 1e-6);
  assert.equal(div[0], 1);
  assert.equal(div[63], 8);
});
