// llama.cpp itself (node-llama-cpp, in a child process) loads the GGUF files llamats writes — every tensor
// type, tied embeddings, Llama 3.1 rope_freqs — and decodes their tensors as we do. The model has its
// attention and FFN output projections set to zero, so its logits are Wout·(g ⊙ x/rms(x)) for the last
// token's embedding x: a closed form computed here in float64 from OUR decoding of the stored bytes. A
// block layout llama.cpp reads differently (nibble order, scale packing, d first or last) changes the logits
// by the order of their size; the tolerance only absorbs llama.cpp's 8-bit quantization of activations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadGgufModel } from '../../src/io/gguf/model.js';
import type { GgufValue } from '../../src/io/gguf/types.js';
import { f32Tensor, saveModel } from '../../src/io/model-file.js';
import { readF32, type WeightType } from '../../src/io/weights.js';
import type { ModelConfig } from '../../src/model/config.js';
import { miniConfig, randomTensors, scratchDir } from './helpers.js';

const dir = scratchDir('llama-cpp');
const VOCAB = 259;

// A minimal SentencePiece vocabulary (unk, bos, eos, 256 byte tokens) so that llama.cpp accepts the file.
const pieces = ['<unk>', '<s>', '</s>', ...Array.from({ length: 256 }, (_, i) => `<0x${i.toString(16).toUpperCase().padStart(2, '0')}>`)];
const tokenizer: [string, GgufValue][] = [
  ['tokenizer.ggml.model', { type: 'string', value: 'llama' }],
  ['tokenizer.ggml.tokens', { type: 'array', itemType: 'string', value: pieces }],
  ['tokenizer.ggml.scores', { type: 'array', itemType: 'f32', value: new Float32Array(VOCAB) }],
  ['tokenizer.ggml.token_type', { type: 'array', itemType: 'i32', value: Int32Array.from(pieces, (_, i) => (i === 0 ? 2 : i < 3 ? 3 : 6)) }],
  ['tokenizer.ggml.bos_token_id', { type: 'u32', value: 1 }],
  ['tokenizer.ggml.eos_token_id', { type: 'u32', value: 2 }],
];

// dim 256 so that rows are whole k-quant super-blocks; GQA; one layer.
const base = (over: Partial<ModelConfig> = {}) => miniConfig({ dim: 256, nLayers: 1, nHeads: 4, nKvHeads: 2, headDim: 64, ffnDim: 256, vocabSize: VOCAB, ...over });

function writeModel(name: string, config: ModelConfig, type: WeightType, seed: number): string {
  const tensors = randomTensors(config, seed);
  for (const zero of ['blk.0.attn_output.weight', 'blk.0.ffn_down.weight']) tensors.set(zero, f32Tensor(tensors.get(zero)!.shape, new Float32Array(256 * 256)));
  const path = join(dir, name);
  saveModel(path, config, tensors, { type, tokenizerMetadata: tokenizer });
  return path;
}

/** Logits of the last token by the closed form, from the tensors as stored (decoded by llamats). */
function expectedLogits(path: string, last: number): Float64Array {
  const m = loadGgufModel(path);
  const d = m.config.dim;
  const x = readF32(m.tensors.get('token_embd.weight')!).subarray(last * d, (last + 1) * d);
  const g = readF32(m.tensors.get('output_norm.weight')!);
  const w = readF32(m.tensors.get(m.config.tiedEmbeddings ? 'token_embd.weight' : 'output.weight')!);
  const rms = Math.sqrt(x.reduce((s, v) => s + v * v, 0) / d + m.config.normEps);
  const y = Float64Array.from(x, (v, i) => (g[i]! * v) / rms);
  return Float64Array.from({ length: m.config.vocabSize }, (_, v) => y.reduce((s, yi, i) => s + w[v * d + i]! * yi, 0));
}

const CHILD = `
const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const req = JSON.parse(Buffer.concat(chunks).toString('utf8'));
let llama;
try {
  const { getLlama } = await import(req.entry);
  llama = await getLlama({ gpu: false, build: 'never', logLevel: 'error', progressLogs: false });
} catch (e) {
  process.stdout.write(JSON.stringify({ ok: false, reason: 'node-llama-cpp cannot load: ' + (e && e.message) }) + '\\n');
  process.exit(0);
}
const results = [];
for (const m of req.models) {
  try {
    const model = await llama.loadModel({ modelPath: m.path });
    const ctx = await model.createContext({ contextSize: 32 });
    const items = m.tokens.map((t, i) => (i === m.tokens.length - 1 ? [t, { generateNext: { logits: true } }] : t));
    const out = await ctx.getSequence().controlledEvaluate(items);
    const logits = out[out.length - 1].next.logits;
    results.push({ ok: true, logits: Array.from({ length: logits.size }, (_, id) => logits.get(id)) });
    await ctx.dispose();
    await model.dispose();
  } catch (e) {
    results.push({ ok: false, reason: String(e && e.message) });
  }
}
process.stdout.write(JSON.stringify({ ok: true, results }) + '\\n');
process.exit(0);
`;

type ChildAnswer = { ok: true; results: ({ ok: true; logits: number[] } | { ok: false; reason: string })[] } | { ok: false; reason: string };

function llamaCppLogits(models: { path: string; tokens: number[] }[]): Promise<ChildAnswer> {
  const script = join(dir, 'child.mjs');
  writeFileSync(script, CHILD);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as ChildAnswer);
      } catch {
        resolve({ ok: false, reason: `child exited (code ${code}, signal ${signal}): ${err.trim().slice(-300)}` });
      }
    });
    child.stdin.end(JSON.stringify({ models, entry: import.meta.resolve('node-llama-cpp') }));
  });
}

// Tolerances relative to max |logit|, about 3× what was measured (f32 1.2e-7; f16 2e-4; bf16 2e-3; block types
// 4–5e-3, from llama.cpp quantizing the activations to 8 bits for the dot products).
const Q = 1.5e-2;
const CASES: { name: string; config: ModelConfig; type: WeightType; tol: number }[] = [
  { name: 'f32', config: base(), type: 'f32', tol: 1e-5 },
  { name: 'f16', config: base(), type: 'f16', tol: 1e-3 },
  { name: 'bf16', config: base(), type: 'bf16', tol: 6e-3 },
  { name: 'q8_0', config: base(), type: 'q8_0', tol: Q },
  { name: 'q4_0 (output Q6_K)', config: base(), type: 'q4_0', tol: Q },
  { name: 'q4_k (output Q6_K)', config: base(), type: 'q4_k', tol: Q },
  { name: 'q6_k', config: base(), type: 'q6_k', tol: Q },
  { name: 'q8_0 tied embeddings', config: base({ tiedEmbeddings: true }), type: 'q8_0', tol: Q },
  { name: 'f16 Llama 3.1 rope_freqs', config: base({ ropeTheta: 500000, ropeScaling: { factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 8192 } }), type: 'f16', tol: 1e-3 },
];

test('llama.cpp loads llamats GGUFs of every type and computes the logits our decoding predicts', { timeout: 180_000 }, async (t) => {
  const tokens = [1, 77, 200];
  const models = CASES.map((c, i) => ({ path: writeModel(`m${i}.gguf`, c.config, c.type, 10 + i), tokens }));
  const answer = await llamaCppLogits(models);
  if (!answer.ok) return t.skip(answer.reason); // no usable llama.cpp binary on this machine
  CASES.forEach((c, i) => {
    const r = answer.results[i]!;
    assert.ok(r.ok, `${c.name}: llama.cpp refused the file: ${r.ok ? '' : r.reason}`);
    const want = expectedLogits(models[i]!.path, tokens[tokens.length - 1]!);
    const scale = Math.max(...want.map(Math.abs));
    const worst = Math.max(...r.logits.map((v, id) => Math.abs(v - want[id]!)));
    assert.equal(r.logits.length, VOCAB);
    assert.ok(worst <= c.tol * scale, `${c.name}: max |llama.cpp − closed form| = ${worst} vs max |logit| ${scale}`);
  });
});
