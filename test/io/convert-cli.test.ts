import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { command } from '../../src/cli/commands/convert.js';
import { runCli } from '../../src/cli/main.js';
import { readGguf, metaStringArray, metaI32Array } from '../../src/io/gguf/read.js';
import { loadModel, saveModel } from '../../src/io/model-file.js';
import { ConfigError } from '../../src/util/errors.js';
import { loadVocab } from '../../src/tokenizer/load.js';
import { vocabPieces } from '../../src/tokenizer/gguf.js';
import { miniConfig, randomTensors, scratchDir, VOCAB_DIR } from './helpers.js';

process.env.LLAMATS_QUIET = '1';
const dir = scratchDir('convert-cli');
const p = (n: string) => join(dir, n);

function modelWithVocab(name: string, vocabFile: string): string {
  const vocab = readGguf(join(VOCAB_DIR, vocabFile));
  const tok = [...vocab.metadata].filter(([k]) => k.startsWith('tokenizer.'));
  const n = metaStringArray(vocab, 'tokenizer.ggml.tokens').length;
  const config = miniConfig({ vocabSize: n, dim: 32, headDim: 8, ffnDim: 64, nLayers: 1, tiedEmbeddings: true });
  saveModel(p(name), config, randomTensors(config, 9), { type: 'f16', tokenizerMetadata: tok });
  return p(name);
}

test('llamats convert GGUF → HF → GGUF with a Llama 2 tokenizer: tokenizer.json, bos/eos, pieces and types survive', async () => {
  const gguf = modelWithVocab('spm.gguf', 'ggml-vocab-llama-spm.gguf');
  assert.equal(await command.run([gguf, p('spm-hf')]), 0);
  for (const f of ['config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']) assert.ok(existsSync(join(p('spm-hf'), f)), f);
  const cfg = JSON.parse(readFileSync(join(p('spm-hf'), 'config.json'), 'utf8'));
  assert.deepEqual([cfg.bos_token_id, cfg.eos_token_id, cfg.torch_dtype], [1, 2, 'float16']);
  const src = readGguf(gguf);
  assert.deepEqual(vocabPieces(loadVocab(p('spm-hf'))), metaStringArray(src, 'tokenizer.ggml.tokens'));
  assert.equal(await command.run([p('spm-hf'), p('spm-back.gguf')]), 0);
  const back = readGguf(p('spm-back.gguf'));
  assert.deepEqual(metaStringArray(back, 'tokenizer.ggml.tokens'), metaStringArray(src, 'tokenizer.ggml.tokens'));
  assert.deepEqual(metaI32Array(back, 'tokenizer.ggml.token_type'), metaI32Array(src, 'tokenizer.ggml.token_type'));
  // Weights: bit-exact through the folder.
  const [a, b] = [loadModel(gguf), loadModel(p('spm-back.gguf'))];
  for (const [name, t] of a.tensors) assert.ok(Buffer.from(t.read()).equals(Buffer.from(b.tensors.get(name)!.read())), name);
});

test('llamats convert --type q8_0 requantizes a GGUF; bad arguments are ConfigErrors; exit code 1 through the CLI', async () => {
  const gguf = modelWithVocab('spm2.gguf', 'ggml-vocab-llama-spm.gguf');
  assert.equal(await command.run([gguf, p('q8.gguf'), '--type', 'Q8_0']), 0);
  assert.ok(readGguf(p('q8.gguf')).tensors.some((t) => t.ggmlType === 8));
  await assert.rejects(command.run([gguf]), ConfigError);
  await assert.rejects(command.run([gguf, p('x.gguf'), '--type', 'q5_k']), /--type: expected f32\|f16\|bf16\|q8_0\|q4_0\|q4_k\|q6_k/);
  await assert.rejects(command.run([gguf, p('x-hf'), '--type', 'q4_0']), /no quantized types/);
  const stderr: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((s: string) => (stderr.push(String(s)), true)) as typeof process.stderr.write;
  try {
    assert.equal(await runCli(['convert', join(dir, 'missing.gguf'), p('y.gguf')]), 1);
  } finally {
    process.stderr.write = write;
  }
  assert.match(stderr.join(''), /missing\.gguf: path: expected a GGUF file or a Hugging Face model folder/);
});

const bpe = join(VOCAB_DIR, 'ggml-vocab-llama-bpe.gguf');
// ~10 s on 2 cores (a 128K-token vocabulary and 280K merges through tokenizer.json and back): LLAMATS_SLOW=1.
const slow = process.env.LLAMATS_SLOW === '1';
test('llamats convert GGUF → HF → GGUF with a Llama 3 tokenizer: generation_config lists eos and <|eot_id|>', { skip: !slow ? 'set LLAMATS_SLOW=1' : !existsSync(bpe) && 'fixture not present' }, async () => {
  const gguf = modelWithVocab('bpe.gguf', 'ggml-vocab-llama-bpe.gguf');
  assert.equal(await command.run([gguf, p('bpe-hf')]), 0);
  const gen = JSON.parse(readFileSync(join(p('bpe-hf'), 'generation_config.json'), 'utf8'));
  assert.deepEqual([gen.bos_token_id, gen.eos_token_id], [128000, [128001, 128009]]);
  assert.equal(await command.run([p('bpe-hf'), p('bpe-back.gguf')]), 0);
  const [src, back] = [readGguf(gguf), readGguf(p('bpe-back.gguf'))];
  for (const k of ['tokenizer.ggml.tokens', 'tokenizer.ggml.merges']) assert.deepEqual(metaStringArray(back, k), metaStringArray(src, k), k);
});
