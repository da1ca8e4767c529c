import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generationConfigJson, hfConfigJson, modelConfigFromHf } from '../../src/io/hf/config.js';
import { pythonJson } from '../../src/io/hf/python-json.js';
import { PRESETS } from '../../src/model/presets.js';
import { FileFormatError } from '../../src/util/errors.js';
import type { FloatDtype } from '../../src/io/safetensors/dtypes.js';
import { fixtureDir } from './helpers.js';

// Oracle: the published config.json files (test/fixtures/io/hf-configs/README.md).
const DIR = `${fixtureDir('io/hf-configs')}/`;
const published = (name: string) => JSON.parse(readFileSync(`${DIR}${name}.json`, 'utf8')) as Record<string, unknown>;

const RELEASES: [file: string, preset: string, dtype: FloatDtype, bos: number, eos: number][] = [
  ['Llama-2-7b-hf', 'llama2-7b', 'F16', 1, 2],
  ['Meta-Llama-3-8B', 'llama3-8b', 'BF16', 128000, 128001],
  ['Llama-3.1-8B', 'llama3.1-8b', 'BF16', 128000, 128001],
  ['Llama-3.2-1B', 'llama3.2-1b', 'BF16', 128000, 128001],
];

for (const [file, preset, dtype, bos, eos] of RELEASES) {
  test(`${file}: the published config reads as the ${preset} preset`, () => {
    const { config, special } = modelConfigFromHf(file, published(file));
    assert.deepEqual(config, PRESETS[preset]!());
    assert.deepEqual(special, { bos, eos: [eos] });
  });

  test(`${file}: the config we write for ${preset} has every published key with the published value`, () => {
    const ours = hfConfigJson(PRESETS[preset]!(), dtype, { bos, eos: [eos] });
    const theirs = published(file);
    for (const [k, v] of Object.entries(theirs)) {
      if (k === 'transformers_version' || k === '_name_or_path') continue; // provenance, not configuration
      assert.deepEqual(ours[k], v, k);
    }
    // …and exactly the key set of the newest release (Llama-3.2-1B, transformers 4.45).
    assert.deepEqual(Object.keys(ours).sort(), Object.keys(published('Llama-3.2-1B')).sort());
  });
}

test('Llama-3.2-1B config.json text: ours equals the published file except transformers_version', () => {
  const text = pythonJson(hfConfigJson(PRESETS['llama3.2-1b']!(), 'BF16', { bos: 128000, eos: [128001] }));
  const want = readFileSync(`${DIR}Llama-3.2-1B.json`, 'utf8');
  const strip = (s: string) => s.split('\n').filter((l) => !l.includes('transformers_version')).join('\n');
  assert.equal(strip(text), strip(want));
});

test('generation_config.json: Llama 3 stop ids as a list, sampling defaults of the recipe', () => {
  assert.deepEqual(generationConfigJson({ bos: 128000, eos: [128001, 128009] }), {
    bos_token_id: 128000, do_sample: true, eos_token_id: [128001, 128009], temperature: 0.6, top_p: 0.9, transformers_version: '4.45.0',
  });
  assert.equal(generationConfigJson({ bos: 1, eos: [2] }).eos_token_id, 2);
});

test('configs llamats cannot run are refused naming the key', () => {
  const base = published('Llama-3.1-8B');
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ ...base, rope_scaling: { type: 'linear', factor: 2 } }, /^rope_scaling\.rope_type$/],
    [{ ...base, rope_scaling: { rope_type: 'llama3', factor: 8 } }, /^low_freq_factor$/],
    [{ ...base, attention_bias: true }, /^attention_bias$/],
    [{ ...base, mlp_bias: true }, /^mlp_bias$/],
    [{ ...base, hidden_act: 'gelu' }, /^hidden_act$/],
    [{ ...base, model_type: 'mistral', architectures: ['MistralForCausalLM'] }, /^model_type$/],
    [{ ...base, hidden_size: undefined }, /^hidden_size$/],
    [{ ...base, num_key_value_heads: 5 }, /^nKvHeads$/],
    [{ ...base, eos_token_id: 'x' }, /^eos_token_id$/],
  ];
  for (const [json, field] of cases) {
    assert.throws(() => modelConfigFromHf('config.json', json), (e: unknown) => e instanceof FileFormatError && field.test(e.field) && e.file === 'config.json', String(field));
  }
  // Defaults of LlamaConfig where a key is absent: rms_norm_eps 1e-6, rope_theta 1e4, KV heads = heads.
  const { config } = modelConfigFromHf('config.json', { model_type: 'llama', hidden_size: 64, num_attention_heads: 4, num_hidden_layers: 1, intermediate_size: 128, vocab_size: 10 });
  assert.deepEqual([config.normEps, config.ropeTheta, config.nKvHeads, config.headDim, config.maxSeqLen], [1e-6, 10000, 4, 16, 2048]);
});
