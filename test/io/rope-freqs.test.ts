import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ropeFreqFactors, ropeScalingFromFactors } from '../../src/io/rope-freqs.js';

const scaling = (factor: number) => ({ factor, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 8192 });
const hex = (a: Float32Array, keep: (v: number) => boolean) => {
  const u = new Uint32Array(a.buffer);
  return Array.from(a).flatMap((v, i) => (keep(v) ? [`0x${u[i]!.toString(16)}`] : []));
};

// Oracle: llama.cpp convert_hf_to_gguf.py `LlamaModel.generate_extra_tensors` run with torch 1.13 (Debian
// python3-torch) for θ = 500000; these are the f32 bit patterns of the smoothed divisors it yields.
const TORCH: [number, number, string[]][] = [
  [128, 8, ['0x3f9a8ed5', '0x3fc6d64a', '0x4001af1d', '0x402c732e', '0x406bcace', '0x40a83c06']], // Llama 3.1 8B
  [64, 32, ['0x3fd35ec2', '0x4052b46f', '0x411aaaee']], // Llama 3.2 1B
  [128, 32, ['0x3f9e126b', '0x3fd35ec2', '0x4011b4ca', '0x4052b46f', '0x40a57db9', '0x411aaaee']], // Llama 3.2 3B
];

for (const [hd, s, smoothed] of TORCH) {
  test(`rope_freqs for hd ${hd}, factor ${s} equal llama.cpp's converter bit for bit`, () => {
    const f = ropeFreqFactors(scaling(s), 500000, hd);
    assert.equal(f.length, hd / 2);
    assert.deepEqual(hex(f, (v) => v !== 1 && v !== s), smoothed);
    // Recipe §1: hd 128 → 29 unchanged, 6 smoothed, 29 divided; hd 64 → 15 / 3 / 14; ordered 1 … s.
    const ones = f.filter((v) => v === 1).length;
    const divided = f.filter((v) => v === s).length;
    assert.deepEqual([ones, smoothed.length, divided], hd === 128 ? [29, 6, 29] : [15, 3, 14]);
    assert.ok(f.every((v, i) => i === 0 || v >= f[i - 1]!));
  });
}

test('the scaling is recovered from the divisors, and no scaling from all ones', () => {
  assert.deepEqual(ropeScalingFromFactors(ropeFreqFactors(scaling(32), 500000, 64), 500000, 64), scaling(32));
  assert.equal(ropeScalingFromFactors(new Float32Array(32).fill(1), 500000, 64), undefined);
  assert.equal(typeof ropeScalingFromFactors(new Float32Array(32).fill(2), 500000, 64), 'string');
  assert.equal(typeof ropeScalingFromFactors(new Float32Array(31).fill(1), 500000, 64), 'string');
});
