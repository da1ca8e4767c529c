// Directed hostile cases for the model loaders (the fuzz test covers random ones): values that parse as
// valid GGUF/JSON but describe an impossible or dangerous model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadGgufModel } from '../../src/io/gguf/model.js';
import { readGguf, readTensorBytes } from '../../src/io/gguf/read.js';
import type { GgufValue } from '../../src/io/gguf/types.js';
import { writeGguf } from '../../src/io/gguf/write.js';
import { loadHfModel } from '../../src/io/hf/folder.js';
import { detectModelFormat, saveModel } from '../../src/io/model-file.js';
import { assertFormatError, fixtureDir, miniConfig, randomTensors, scratchDir } from './helpers.js';

const dir = scratchDir('hostile-model');
const p = (n: string) => join(dir, n);
const config = miniConfig({ ropeTheta: 500000, ropeScaling: { factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 8192 } });
saveModel(p('base.gguf'), config, randomTensors(config, 1), { type: 'f16' });
const base = readGguf(p('base.gguf'));

/** base.gguf with some metadata replaced (or removed with undefined) and tensors optionally filtered. */
function variant(name: string, meta: Record<string, GgufValue | undefined>, keep: (t: string) => boolean = () => true): string {
  const md = [...base.metadata].filter(([k]) => !(k in meta) || meta[k] !== undefined).map(([k, v]) => [k, meta[k] ?? v] as [string, GgufValue]);
  for (const [k, v] of Object.entries(meta)) if (v && !base.metadata.has(k)) md.push([k, v]);
  const tensors = base.tensors.filter((t) => keep(t.name)).map((t) => ({ name: t.name, shape: t.shape, ggmlType: t.ggmlType, data: readTensorBytes(base, t) }));
  writeGguf(p(name), md, tensors);
  return p(name);
}

const u32 = (value: number): GgufValue => ({ type: 'u32', value });

test('GGUF models that parse but cannot be a Llama are refused naming the key or tensor', () => {
  const cases: [string, Record<string, GgufValue | undefined>, RegExp, ((t: string) => boolean)?][] = [
    ['arch', { 'general.architecture': { type: 'string', value: 'gpt2' } }, /^general\.architecture$/],
    ['2^31 layers', { 'llama.block_count': u32(2 ** 31 - 1) }, /^llama\.block_count$/],
    ['0 layers', { 'llama.block_count': u32(0) }, /llama\.\* metadata \(nLayers\)/],
    ['no head count', { 'llama.attention.head_count': undefined }, /^llama\.attention\.head_count$/],
    ['kv heads 3', { 'llama.attention.head_count_kv': u32(3) }, /nKvHeads/],
    ['eps as string', { 'llama.attention.layer_norm_rms_epsilon': { type: 'string', value: '1e-5' } }, /^llama\.attention\.layer_norm_rms_epsilon$/],
    ['rope dims ≠ head dim', { 'llama.rope.dimension_count': u32(8) }, /^llama\.rope\.dimension_count$/],
    ['wrong dim', { 'llama.embedding_length': u32(96) }, /shape$/],
    ['missing tensor', {}, /^tensor "blk\.1\.ffn_up\.weight"$/, (t) => t !== 'blk.1.ffn_up.weight'],
    ['token list ≠ vocab', { 'tokenizer.ggml.tokens': { type: 'array', itemType: 'string', value: ['a', 'b'] } }, /^tokenizer\.ggml\.tokens$/],
  ];
  for (const [name, meta, field, keep] of cases) {
    const path = variant(`${name.replace(/\W+/g, '-')}.gguf`, meta, keep);
    assertFormatError(() => loadGgufModel(path), path, field);
  }
  // An unknown extra tensor (llama.cpp refuses those too) and a rope_freqs that is not the Llama 3.1 curve.
  const extra = p('extra.gguf');
  writeGguf(extra, [...base.metadata], [...base.tensors.map((t) => ({ name: t.name, shape: t.shape, ggmlType: t.ggmlType, data: readTensorBytes(base, t) })),
    { name: 'blk.0.attn_q.bias', shape: [64], ggmlType: 0, data: new Uint8Array(256) }]);
  assertFormatError(() => loadGgufModel(extra), extra, /^tensor "blk\.0\.attn_q\.bias"$/);
  const rope = p('rope.gguf');
  writeGguf(rope, [...base.metadata], base.tensors.map((t) => ({ name: t.name, shape: t.shape, ggmlType: t.ggmlType,
    data: t.name === 'rope_freqs.weight' ? new Uint8Array(new Float32Array(8).fill(3).buffer) : readTensorBytes(base, t) })));
  assertFormatError(() => loadGgufModel(rope), rope, /^tensor "rope_freqs\.weight"$/);
});

test('HF folders: hostile num_hidden_layers, shard paths outside the folder, unknown tensors, wrong dtype', () => {
  const hf = p('hf');
  saveModel(hf, config, randomTensors(config, 2), { type: 'bf16', maxShardBytes: 20_000 });
  const cfgText = readFileSync(join(hf, 'config.json'), 'utf8');
  const indexText = readFileSync(join(hf, 'model.safetensors.index.json'), 'utf8');
  const edit = (file: string, text: string) => writeFileSync(join(hf, file), text);
  const restore = () => { edit('config.json', cfgText); edit('model.safetensors.index.json', indexText); };

  edit('config.json', cfgText.replace('"num_hidden_layers": 2', '"num_hidden_layers": 1000000000'));
  assertFormatError(() => loadHfModel(hf), join(hf, 'config.json'), /^num_hidden_layers$/);
  restore();
  edit('model.safetensors.index.json', indexText.replace('"model-00001-of-', '"../../model-00001-of-'));
  assertFormatError(() => loadHfModel(hf), join(hf, 'model.safetensors.index.json'), /^weight_map\["/);
  restore();
  edit('model.safetensors.index.json', indexText.replace('"model.embed_tokens.weight"', '"model.embed_tokens.weight2"'));
  assert.throws(() => loadHfModel(hf), /model\.embed_tokens\.weight2": expected present/);
  restore();
  edit('config.json', cfgText.replace('"vocab_size": 96', '"vocab_size": 97'));
  assert.throws(() => loadHfModel(hf), /tensor "model\.embed_tokens\.weight" shape: expected \[97, 64\]/);
  restore();
  assert.equal(loadHfModel(hf).config.nLayers, 2);
  assert.equal(detectModelFormat(hf), 'hf');
  assertFormatError(() => detectModelFormat(join(hf, 'config.json')), join(hf, 'config.json'), /^magic$/);
});

test('a vocabulary-only GGUF is not a model; a tokenizer of the wrong size is refused on save', () => {
  const vocab = join(fixtureDir('vocab'), 'ggml-vocab-llama-spm.gguf');
  assert.match(assertFormatError(() => loadGgufModel(vocab), vocab, /^llama\.block_count$/).message, /vocabulary only/);
  const tok = [...readGguf(vocab).metadata].filter(([k]) => k.startsWith('tokenizer.'));
  assert.throws(() => saveModel(p('wrong-vocab.gguf'), config, randomTensors(config, 3), { tokenizerMetadata: tok }), /tokenizer\.ggml\.tokens: expected 96 tokens/);
});
