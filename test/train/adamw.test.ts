// AdamW over the flat parameter buffer: decay groups from the parameter table, and the update against the
// PyTorch AdamW formula computed here in float64.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdamW, decayRanges } from '../../src/train/adamw.js';
import { ParameterSet } from '../../src/tensor/index.js';
import { paramSpecs } from '../../src/model/params.js';
import { tiny } from '../../src/model/presets.js';
import { Rng } from '../../src/util/rng.js';

test('decay ranges: rank ≥ 2 tensors decay, RMSNorm gains do not; the ranges tile the buffer', () => {
  const p = new ParameterSet(paramSpecs(tiny()));
  const ranges = decayRanges(p);
  let at = 0;
  for (const r of ranges) {
    assert.equal(r.offset, at);
    at += r.size;
  }
  assert.equal(at, p.data.length);
  const decayOf = (name: string) => {
    const { offset } = p.ranges.get(name)!;
    return ranges.find((r) => offset >= r.offset && offset < r.offset + r.size)!.decay;
  };
  assert.equal(decayOf('token_embd.weight'), true);
  assert.equal(decayOf('blk.0.attn_norm.weight'), false);
  assert.equal(decayOf('blk.0.attn_q.weight'), true);
  assert.equal(decayOf('blk.3.ffn_norm.weight'), false);
  assert.equal(decayOf('blk.3.ffn_down.weight'), true);
  assert.equal(decayOf('output_norm.weight'), false);
  assert.equal(decayOf('output.weight'), true);
  // embd | attn_norm | q k v o | ffn_norm | gate up down | … : 2 ranges per layer + embedding + final norm + output
  assert.equal(ranges.length, 1 + 4 * tiny().nLayers + 1 + 1);
});

/** torch.optim.AdamW, one parameter at a time, in float64. */
function reference(p: number, grads: number[], lrs: number[], h: { beta1: number; beta2: number; eps: number; wd: number }): number {
  let m = 0;
  let v = 0;
  grads.forEach((g, i) => {
    const t = i + 1;
    p -= lrs[i]! * h.wd * p;
    m = h.beta1 * m + (1 - h.beta1) * g;
    v = h.beta2 * v + (1 - h.beta2) * g * g;
    p -= (lrs[i]! * (m / (1 - h.beta1 ** t))) / (Math.sqrt(v / (1 - h.beta2 ** t)) + h.eps);
  });
  return p;
}

test('three updates match PyTorch AdamW (decoupled decay on weights only, bias correction)', () => {
  const p = new ParameterSet([{ name: 'w', shape: [3, 5] }, { name: 'norm', shape: [5] }]);
  const rng = new Rng(11);
  for (let i = 0; i < p.data.length; i++) p.data[i] = rng.normal();
  const start = Float64Array.from(p.data);
  const h = { beta1: 0.9, beta2: 0.95, eps: 1e-5, weightDecay: 0.1 };
  const opt = new AdamW(p, h);
  const lrs = [1e-2, 3e-2, 2e-2];
  const grads: number[][] = [];
  for (const lr of lrs) {
    const g = Array.from({ length: p.data.length }, () => rng.normal());
    p.grad.set(g);
    grads.push(g);
    opt.update(lr);
  }
  assert.equal(opt.step, 3);
  for (const [name, { offset, size }] of p.ranges) {
    const wd = name === 'w' ? 0.1 : 0;
    for (let i = offset; i < offset + size; i++) {
      const want = reference(start[i]!, grads.map((g) => g[i]!), lrs, { beta1: 0.9, beta2: 0.95, eps: 1e-5, wd });
      assert.ok(Math.abs(p.data[i]! - want) < 1e-5 * Math.max(1, Math.abs(want)), `${name}[${i - offset}]: ${p.data[i]} vs ${want}`);
    }
  }
});
