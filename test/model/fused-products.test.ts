// Decoding with the load-time packed and stacked products (weights.ts packForInference, fuseProducts): a Q8_0 /
// Q4_0 GGUF model loaded for inference decodes with one product for q | k | v and one for gate | up, and its
// logits are bit-identical to the same packed weights used one matrix at a time (each output element's arithmetic
// does not depend on the rows beside it), and close to the unpacked GGUF blocks (float32 rounding of the block sums).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Decoder, KVCache } from '../../src/model/inference.js';
import { initLlama } from '../../src/model/llama.js';
import { loadInferenceModel, saveTrainedModel } from '../../src/model/load.js';
import { tiny } from '../../src/model/presets.js';
import { stackF32, stackPacked, unpackForInference, type InferenceWeights, type LayerInferenceWeights, type WeightMatrix } from '../../src/model/weights.js';
import { kernels } from '../../src/tensor/backend.js';

const dir = mkdtempSync(join(tmpdir(), 'llamats-fused-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const config = tiny(); // dim 128, kv dim 64, ffn 352: every part a whole number of 16-row groups
const prompt = [1, 45, 900, 17, 3000];
const steps = [7, 4000, 12, 99];

/** Prefill the prompt, then decode `steps` one token at a time: the logits of every call. */
function run(d: Decoder): Float32Array[] {
  const cache = new KVCache(config, 32);
  return [d.forward(prompt, cache), ...steps.map((t) => d.forward([t], cache))];
}

const unfused = (L: LayerInferenceWeights): LayerInferenceWeights => ({ ...L, qkv: undefined, w13: undefined });
const copied = (L: LayerInferenceWeights): LayerInferenceWeights => ({ ...L }); // keeps qkv / w13
const strip = (w: InferenceWeights, f: (L: LayerInferenceWeights) => LayerInferenceWeights, g = (m: WeightMatrix) => m): InferenceWeights =>
  ({ ...w, output: g(w.output), layers: w.layers.map((L) => { const u = f(L); return { ...u, wq: g(u.wq), wk: g(u.wk), wv: g(u.wv), wo: g(u.wo), w1: g(u.w1), w3: g(u.w3), w2: g(u.w2) }; }) });

for (const type of ['q8_0', 'q4_0'] as const) {
  test(`${type}: stacked q|k|v and gate|up products decode bit-identically to one product per matrix`, () => {
    const path = join(dir, `${type}.gguf`);
    saveTrainedModel(path, initLlama(config, 3), null, { type });
    const m = loadInferenceModel(path);
    const packs = kernels().packQuant?.(new Uint8Array(18 * 16), 2, 16, 32) != null;
    assert.equal(m.weights.layers[0]!.qkv !== undefined, packs, 'stacked where the backend packs');
    assert.equal(m.weights.layers[0]!.w13 !== undefined, packs);
    const fused = run(m.decoder);
    const single = run(new Decoder(config, strip(m.weights, unfused)));
    for (let i = 0; i < fused.length; i++) {
      assert.deepEqual(new Uint32Array(fused[i]!.buffer), new Uint32Array(single[i]!.buffer), `${type}: call ${i}`);
    }
    // Against the GGUF blocks unpacked: the same integer block sums, float32 sums over blocks in another order.
    const plain = run(new Decoder(config, strip(m.weights, unfused, unpackForInference)));
    // A copy of the layers with the matrices replaced but the stacked products left in: they must not be used.
    const stale = run(new Decoder(config, strip(m.weights, copied, unpackForInference)));
    for (let i = 0; i < plain.length; i++) assert.deepEqual(new Uint32Array(stale[i]!.buffer), new Uint32Array(plain[i]!.buffer), `${type}: stale stack, call ${i}`);
    for (let i = 0; i < fused.length; i++) {
      const a = fused[i]!, b = plain[i]!;
      let range = 0, worst = 0;
      for (let v = 0; v < a.length; v++) range = Math.max(range, Math.abs(b[v]!));
      for (let v = 0; v < a.length; v++) worst = Math.max(worst, Math.abs(a[v]! - b[v]!));
      assert.ok(worst <= 1e-4 * range, `${type} call ${i}: packed vs unpacked logits differ by ${worst} (range ${range})`);
    }
  });
}

test('f32: stacked q|k|v and gate|up rows decode bit-identically to one product per matrix, as views of one buffer', () => {
  const path = join(dir, 'f32.gguf');
  saveTrainedModel(path, initLlama(config, 4), null, {});
  const m = loadInferenceModel(path);
  const L = m.weights.layers[0]!;
  assert.ok(L.qkv && L.w13, 'float32 layers are stacked');
  assert.ok(L.wq.kind === 'f32' && L.qkv.matrix.kind === 'f32' && L.wq.data.buffer === L.qkv.matrix.data.buffer, 'parts are views of the stack');
  const fused = run(m.decoder);
  const single = run(new Decoder(config, strip(m.weights, unfused)));
  for (let i = 0; i < fused.length; i++) assert.deepEqual(new Uint32Array(fused[i]!.buffer), new Uint32Array(single[i]!.buffer), `f32: call ${i}`);
});

test('stackF32 needs float32 parts of one width', () => {
  const f = (rows: number, cols = 4): WeightMatrix => ({ kind: 'f32', rows, cols, data: new Float32Array(rows * cols).fill(rows) });
  const s = stackF32([f(2), f(3)])!;
  assert.equal(s.stacked.rows, 5);
  assert.deepEqual([...s.stacked.data], [...Array(8).fill(2), ...Array(12).fill(3)]);
  assert.equal(stackF32([f(2), f(3, 8)]), null);
  assert.equal(stackF32([f(2), { kind: 'quant', rows: 2, cols: 4, ggmlType: 8, bytes: new Uint8Array(68) }]), null);
});

test('stackPacked needs every part but the last to be whole 16-row groups, one type and one width', () => {
  type Packed = Extract<WeightMatrix, { kind: 'packed' }>;
  const p = (rows: number, cols = 32, ggmlType = 2): Packed => ({ kind: 'packed', rows, cols, ggmlType, packed: new Uint8Array(Math.ceil(rows / 16) * 16 * 18 * (cols / 32)).fill(rows) });
  const s = stackPacked([p(32), p(16), p(5)])!;
  assert.equal(s.stacked.rows, 53);
  assert.equal(s.stacked.packed.length, (2 + 1 + 1) * 16 * 18);
  assert.deepEqual(s.parts.map((w) => w.packed[0]), [32, 16, 5], 'parts view their own rows');
  assert.equal(s.parts[1]!.packed.buffer, s.stacked.packed.buffer, 'views, not copies');
  assert.equal(stackPacked([p(5), p(16)]), null, 'a partial group before the last part');
  assert.equal(stackPacked([p(16), p(16, 64)]), null, 'different widths');
  assert.equal(stackPacked([p(16), p(16, 32, 8)]), null, 'different types');
  assert.equal(stackPacked([p(16), { kind: 'quant', rows: 16, cols: 32, ggmlType: 2, bytes: new Uint8Array(16 * 18) }]), null, 'an unpacked part');
});
