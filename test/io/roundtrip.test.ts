import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertModel } from '../../src/io/convert.js';
import { ggufSpecialTokens, loadGgufModel } from '../../src/io/gguf/model.js';
import { metaNumber, readGguf } from '../../src/io/gguf/read.js';
import { metaToHfRows } from '../../src/io/hf/permute.js';
import { loadModel, saveModel } from '../../src/io/model-file.js';
import { dequantize } from '../../src/io/quant/codec.js';
import { GGML, ggmlTypeName } from '../../src/io/quant/types.js';
import { readSafetensors, readSafetensorsBytes } from '../../src/io/safetensors/read.js';
import { readF32, retype, type WeightSet, type WeightTensor } from '../../src/io/weights.js';
import type { ModelConfig } from '../../src/model/config.js';
import { numel } from '../../src/model/params.js';
import { miniConfig, randomTensors, scratchDir, VOCAB_DIR } from './helpers.js';

const dir = scratchDir('roundtrip');
const p = (name: string) => join(dir, name);

function assertSameTensors(a: WeightSet, b: WeightSet, what: string): void {
  assert.deepEqual([...a.tensors.keys()].sort(), [...b.tensors.keys()].sort(), what);
  for (const [name, t] of a.tensors) {
    const u = b.tensors.get(name)!;
    assert.equal(ggmlTypeName(u.ggmlType), ggmlTypeName(t.ggmlType), `${what}: ${name} type`);
    assert.deepEqual(u.shape, t.shape, `${what}: ${name} shape`);
    assert.ok(Buffer.from(u.read()).equals(Buffer.from(t.read())), `${what}: ${name} bytes differ`);
  }
}

/** A GGUF of `config` with 2-D weights of `type` (norms stay F32, as llama.cpp writes them). */
function makeGguf(name: string, config: ModelConfig, type: 'f32' | 'f16' | 'bf16' | 'q8_0', seed = 1): string {
  saveModel(p(name), config, randomTensors(config, seed), { type, name: 'mini' });
  return p(name);
}

for (const type of ['f32', 'f16', 'bf16'] as const) {
  test(`GGUF → HF → GGUF is bit-exact (${type}, Llama 3.1 scaling, GQA)`, () => {
    const config = miniConfig({ ropeTheta: 500000, ropeScaling: { factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 8192 } });
    const a = makeGguf(`a-${type}.gguf`, config, type);
    convertModel(a, p(`hf-${type}`));
    convertModel(p(`hf-${type}`), p(`b-${type}.gguf`));
    const [x, y] = [loadGgufModel(a), loadGgufModel(p(`b-${type}.gguf`))];
    assert.deepEqual(y.config, x.config);
    assertSameTensors(x, y, type);
    // Same metadata apart from general.name (the folder name on the way back), so the same bytes otherwise.
    const [fa, fb] = [readGguf(a), readGguf(p(`b-${type}.gguf`))];
    for (const [k, v] of fa.metadata) if (k !== 'general.name') assert.deepEqual(fb.metadata.get(k), v, k);
  });

  test(`HF → GGUF → HF is bit-exact (${type}: safetensors and config.json byte for byte)`, () => {
    const config = miniConfig({ tiedEmbeddings: type === 'bf16' });
    // No tokenizer here, so no bos/eos either: GGUF keeps those ids in tokenizer.* (see the CLI test).
    saveModel(p(`h-${type}`), config, randomTensors(config, 2), { type });
    convertModel(p(`h-${type}`), p(`h-${type}.gguf`));
    convertModel(p(`h-${type}.gguf`), p(`h2-${type}`));
    for (const f of ['model.safetensors', 'config.json']) {
      assert.ok(readFileSync(join(p(`h-${type}`), f)).equals(readFileSync(join(p(`h2-${type}`), f))), f);
    }
  });
}

test('the HF folder holds transformers names, Q/K in HF order, and the GGUF holds Meta order', () => {
  const config = miniConfig();
  const gguf = makeGguf('names.gguf', config, 'f32', 3);
  convertModel(gguf, p('names-hf'));
  const st = readSafetensors(join(p('names-hf'), 'model.safetensors'));
  const names = st.tensors.map((t) => t.name);
  assert.ok(names.includes('model.embed_tokens.weight') && names.includes('lm_head.weight') && names.includes('model.layers.1.mlp.down_proj.weight'));
  assert.deepEqual([...names].sort(), names, 'tensors sorted by name, as the safetensors library writes them');
  assert.deepEqual(st.metadata, { format: 'pt' });
  const ws = loadGgufModel(gguf);
  for (const [g, h, n] of [['blk.0.attn_q.weight', 'model.layers.0.self_attn.q_proj.weight', config.nHeads], ['blk.1.attn_k.weight', 'model.layers.1.self_attn.k_proj.weight', config.nKvHeads],
    ['blk.0.attn_v.weight', 'model.layers.0.self_attn.v_proj.weight', 0]] as const) {
    const meta = ws.tensors.get(g)!.read();
    const hf = readSafetensorsBytes(st, st.tensors.find((t) => t.name === h)!);
    const want = n ? metaToHfRows(meta, n, config.headDim, 4 * config.dim) : meta; // V is never permuted
    assert.ok(Buffer.from(hf).equals(Buffer.from(want)), g);
  }
});

test('tied embeddings: no output.weight in GGUF, no lm_head in HF, tie_word_embeddings true', () => {
  const config = miniConfig({ tiedEmbeddings: true });
  const gguf = makeGguf('tied.gguf', config, 'f16', 4);
  assert.ok(!readGguf(gguf).tensors.some((t) => t.name === 'output.weight'));
  convertModel(gguf, p('tied-hf'));
  const cfg = JSON.parse(readFileSync(join(p('tied-hf'), 'config.json'), 'utf8'));
  assert.equal(cfg.tie_word_embeddings, true);
  assert.ok(!readSafetensors(join(p('tied-hf'), 'model.safetensors')).tensors.some((t) => t.name === 'lm_head.weight'));
  assert.equal(loadModel(p('tied-hf')).config.tiedEmbeddings, true);
});

test('sharded HF output: index with total_size and weight_map, shards under the size, loads back equal', () => {
  const config = miniConfig();
  const gguf = makeGguf('shard.gguf', config, 'f32', 5);
  convertModel(gguf, p('sharded'), { maxShardBytes: 40_000 });
  const files = readdirSync(p('sharded')).filter((f) => f.endsWith('.safetensors')).sort();
  assert.ok(files.length > 2);
  assert.equal(files[0], `model-00001-of-${String(files.length).padStart(5, '0')}.safetensors`);
  assert.ok(!existsSync(join(p('sharded'), 'model.safetensors')));
  const index = JSON.parse(readFileSync(join(p('sharded'), 'model.safetensors.index.json'), 'utf8'));
  const ws = loadGgufModel(gguf);
  assert.equal(index.metadata.total_size, [...ws.tensors.values()].reduce((s, t) => s + 4 * numel(t.shape), 0));
  assert.equal(Object.keys(index.weight_map).length, ws.tensors.size);
  for (const f of files) {
    const st = readSafetensors(join(p('sharded'), f));
    assert.ok(st.tensors.length === 1 || st.tensors.reduce((s, t) => s + t.byteLength, 0) <= 40_000, f);
    for (const t of st.tensors) assert.equal(index.weight_map[t.name], f);
  }
  assertSameTensors(ws, loadModel(p('sharded')), 'sharded');
  // Saving again into the same folder as one file removes the shards and the index of the first save.
  convertModel(gguf, p('sharded'));
  assert.deepEqual(readdirSync(p('sharded')).filter((f) => f.startsWith('model')), ['model.safetensors']);
  assertSameTensors(ws, loadModel(p('sharded')), 'resaved');
});

test('a quantized GGUF converts to HF as the dequantized values (F32 unless --type)', () => {
  const config = miniConfig();
  const q = makeGguf('q8.gguf', config, 'q8_0', 6);
  const ws = loadGgufModel(q);
  assert.equal(ggmlTypeName(ws.tensors.get('blk.0.ffn_up.weight')!.ggmlType), 'Q8_0');
  assert.equal(ggmlTypeName(ws.tensors.get('blk.0.ffn_norm.weight')!.ggmlType), 'F32');
  convertModel(q, p('q8-hf'));
  const hf = loadModel(p('q8-hf'));
  for (const [name, t] of ws.tensors) {
    assert.deepEqual(readF32(hf.tensors.get(name)!), dequantize(t.ggmlType, t.read(), numel(t.shape)), name);
  }
  assert.throws(() => convertModel(q, p('q8-hf-bad'), { type: 'q4_0' }), /Hugging Face folders hold no quantized types/);
});

test('GGUF → GGUF requantize to q4_k: k-quant where rows allow, Q6_K output, F32 norms, file type 15', () => {
  const config = miniConfig({ dim: 256, nHeads: 4, headDim: 64, ffnDim: 256, vocabSize: 64 });
  const a = makeGguf('k.gguf', config, 'f32', 7);
  convertModel(a, p('k-q4k.gguf'), { type: 'q4_k' });
  const f = readGguf(p('k-q4k.gguf'));
  const types = Object.fromEntries(f.tensors.map((t) => [t.name, ggmlTypeName(t.ggmlType)]));
  assert.equal(types['blk.0.attn_q.weight'], 'Q4_K');
  assert.equal(types['blk.1.ffn_down.weight'], 'Q4_K');
  assert.equal(types['output.weight'], 'Q6_K'); // llama-quantize keeps the output layer at 6 bits
  assert.equal(types['blk.0.attn_norm.weight'], 'F32');
  assert.equal(metaNumber(f, 'general.file_type'), 15);
  assert.equal(metaNumber(f, 'general.quantization_version'), 2);
  const src = loadGgufModel(a);
  const out = loadGgufModel(p('k-q4k.gguf'));
  for (const [name, t] of out.tensors) {
    const x = readF32(src.tensors.get(name)!);
    const y = readF32(t);
    const rms = Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
    const err = Math.sqrt(x.reduce((s, v, i) => s + (v - y[i]!) ** 2, 0) / x.length);
    assert.ok(err <= 0.12 * rms, `${name}: rmse ${err} vs rms ${rms}`); // 4-bit: ~7% (test/io/quant.test.ts)
  }
});

test('GGUF → GGUF carries tokenizer.* untouched (Llama 2 vocabulary)', () => {
  const vocab = readGguf(join(VOCAB_DIR, 'ggml-vocab-llama-spm.gguf'));
  const tok = [...vocab.metadata].filter(([k]) => k.startsWith('tokenizer.'));
  const config = miniConfig({ vocabSize: 32000, dim: 32, headDim: 8, ffnDim: 64, nLayers: 1, tiedEmbeddings: true });
  saveModel(p('tok.gguf'), config, randomTensors(config, 8), { tokenizerMetadata: tok });
  convertModel(p('tok.gguf'), p('tok-f16.gguf'), { type: 'f16' });
  const f = readGguf(p('tok-f16.gguf'));
  for (const [k, v] of tok) assert.deepEqual(f.metadata.get(k), v, k);
  assert.deepEqual(loadGgufModel(p('tok-f16.gguf')).special, { bos: 1, eos: [2] });
});

const bpe = join(VOCAB_DIR, 'ggml-vocab-llama-bpe.gguf');
test('stop ids of a Llama 3 vocabulary: eos and <|eot_id|> (recipe §3: {128001, 128009})', { skip: !existsSync(bpe) && 'fixture not present' }, () => {
  assert.deepEqual(ggufSpecialTokens(readGguf(bpe)), { bos: 128000, eos: [128001, 128009] });
});

test('retype converts in row chunks exactly as one whole-tensor conversion', () => {
  const t: WeightTensor = { shape: [3, 64], ggmlType: GGML.F32.id, read: () => new Uint8Array(new Float32Array(192).map((_, i) => Math.sin(i)).buffer) };
  const whole = retype(t, GGML.Q8_0.id, 't');
  assert.equal(whole.length, 3 * 2 * 34);
  assert.deepEqual(dequantize(GGML.Q8_0.id, whole, 192).subarray(0, 3), dequantize(GGML.Q8_0.id, retype({ ...t, shape: [1, 64], read: () => t.read().subarray(0, 256) }, GGML.Q8_0.id, 't'), 64).subarray(0, 3));
});
