// Hostile-file fuzzing: mutate valid GGUF, safetensors and HF folder files (byte flips, truncations, length
// and offset fields set to huge or boundary values, swapped fields, inserted and deleted bytes, JSON edits)
// and require every outcome to be a successful parse or a LlamatsError — never a RangeError, TypeError,
// crash, hang or a memory blow-up. Deterministic (src/util/rng.ts); LLAMATS_SLOW=1 runs 10× more mutants.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadGgufModel } from '../../src/io/gguf/model.js';
import { readGguf, readTensorBytes } from '../../src/io/gguf/read.js';
import { writeGguf } from '../../src/io/gguf/write.js';
import { loadHfModel } from '../../src/io/hf/folder.js';
import { saveModel } from '../../src/io/model-file.js';
import { dequantize } from '../../src/io/quant/codec.js';
import { GGML } from '../../src/io/quant/types.js';
import { readSafetensors, readSafetensorsBytes } from '../../src/io/safetensors/read.js';
import { readF32 } from '../../src/io/weights.js';
import { LlamatsError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';
import { miniConfig, randomTensors, scratchDir } from './helpers.js';

const SCALE = process.env.LLAMATS_SLOW === '1' ? 10 : 1;
// Thousands of small files: on tmpfs where there is one (a loaded disk can take milliseconds per write).
const dir = scratchDir('fuzz', { ram: true });

const BOUNDARY_U64 = [2n ** 64n - 1n, 2n ** 63n, 2n ** 63n - 1n, 2n ** 60n, 2n ** 53n + 1n, 2n ** 32n, 2n ** 32n - 1n, 2n ** 31n, 0n, 1n, 3n, 255n, 65536n];
const BOUNDARY_U32 = [0, 1, 2, 3, 4, 5, 9, 12, 13, 31, 32, 33, 255, 0x7fffffff, 0x80000000, 0xffffffff];

/** Positions of u64 fields that look like lengths/counts/offsets (small values) in the first `span` bytes. */
function lengthLikeFields(b: Buffer, span: number): number[] {
  const out: number[] = [];
  for (let i = 0; i + 8 <= Math.min(span, b.length); i++) if (b.readBigUInt64LE(i) < 1n << 24n && b[i] !== 0) out.push(i);
  return out;
}

function mutate(seed: Buffer, rng: Rng, headerSpan: number, fields: number[]): Buffer {
  const b = Buffer.from(seed);
  const pos = (span = headerSpan) => rng.int(Math.max(1, Math.min(span, b.length)));
  switch (rng.int(8)) {
    case 0: { // flip 1–8 random bits, mostly in the header
      for (let k = 1 + rng.int(8); k > 0; k--) b[rng.uniform() < 0.9 ? pos() : pos(b.length)]! ^= 1 << rng.int(8);
      return b;
    }
    case 1: return b.subarray(0, rng.int(b.length)); // truncation
    case 2: { // a length/count/offset field set to a boundary value
      const at = fields.length > 0 ? rng.pick(fields) : pos();
      if (at + 8 <= b.length) b.writeBigUInt64LE(rng.pick(BOUNDARY_U64), at);
      return b;
    }
    case 3: { // a u32 (type id, n_dims, value type) set to a boundary value
      const at = pos();
      if (at + 4 <= b.length) b.writeUInt32LE(rng.pick(BOUNDARY_U32), at);
      return b;
    }
    case 4: { // two fields swapped (offsets, lengths)
      if (fields.length < 2) return b;
      const [x, y] = [rng.pick(fields), rng.pick(fields)];
      const tx = Buffer.from(b.subarray(x, x + 8));
      b.copy(b, x, y, y + 8);
      tx.copy(b, y);
      return b;
    }
    case 5: { // bytes inserted
      const at = pos();
      return Buffer.concat([b.subarray(0, at), Buffer.from(Array.from({ length: 1 + rng.int(16) }, () => rng.int(256))), b.subarray(at)]);
    }
    case 6: { // bytes deleted
      const at = pos();
      return Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + rng.int(16))]);
    }
    default: { // a field set to a random u64
      const at = fields.length > 0 ? rng.pick(fields) : pos();
      if (at + 8 <= b.length) b.writeBigUInt64LE((BigInt(rng.nextU32()) << 32n) | BigInt(rng.nextU32()), at);
      return b;
    }
  }
}

interface Tally { ok: number; rejected: number }

/** Runs `parse` on `n` mutants of `seed`; any exception that is not a LlamatsError fails with a reproducer. */
function fuzz(name: string, seed: Buffer, headerSpan: number, n: number, seedNo: number, parse: (path: string) => void): Tally {
  const rng = new Rng(seedNo);
  const fields = lengthLikeFields(seed, headerSpan);
  const path = join(dir, name);
  const tally: Tally = { ok: 0, rejected: 0 };
  const rss0 = process.memoryUsage().rss;
  for (let i = 0; i < n; i++) {
    const m = mutate(seed, rng, headerSpan, fields);
    writeFileSync(path, m);
    try {
      parse(path);
      tally.ok++;
    } catch (e) {
      if (!(e instanceof LlamatsError)) {
        writeFileSync(`${path}.crash`, m);
        assert.fail(`${name} mutant ${i} (rng seed ${seedNo}; saved as ${path}.crash) threw ${(e as Error)?.stack ?? e}`);
      }
      tally.rejected++;
    }
  }
  // No mutant may make us allocate far beyond the file sizes involved (a few KB to a few hundred KB).
  assert.ok(process.memoryUsage().rss - rss0 < 512 * 2 ** 20, `rss grew by ${(process.memoryUsage().rss - rss0) / 2 ** 20} MB`);
  return tally;
}

// --- seeds ---

function ggufSeed(): Buffer {
  const p = join(dir, 'seed.gguf');
  writeGguf(p, [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['a.u8', { type: 'u8', value: 7 }], ['a.i64', { type: 'i64', value: -5n }], ['a.f64', { type: 'f64', value: 0.5 }], ['a.bool', { type: 'bool', value: true }],
    ['a.strings', { type: 'array', itemType: 'string', value: ['x', 'yz', '▁'] }],
    ['a.f32s', { type: 'array', itemType: 'f32', value: new Float32Array([1, 2, 3]) }],
    ['a.nested', { type: 'array', itemType: 'array', value: [{ type: 'array', itemType: 'u16', value: new Uint16Array([1, 2]) }] }],
  ], [
    { name: 'f32', shape: [2, 4], ggmlType: GGML.F32.id, data: new Uint8Array(32).fill(1) },
    { name: 'q8', shape: [1, 32], ggmlType: GGML.Q8_0.id, data: new Uint8Array(34).fill(2) },
    { name: 'q4k', shape: [256], ggmlType: GGML.Q4_K.id, data: new Uint8Array(144).fill(3) },
    { name: 'q6k', shape: [256], ggmlType: GGML.Q6_K.id, data: new Uint8Array(210).fill(4) },
  ], 64);
  return readFileSync(p);
}

const tinyModel = () => miniConfig({ dim: 32, nLayers: 1, nHeads: 2, nKvHeads: 1, headDim: 16, ffnDim: 32, vocabSize: 8, ropeTheta: 500000,
  ropeScaling: { factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 8192 } });

function modelSeed(): Buffer {
  const p = join(dir, 'model-seed.gguf');
  saveModel(p, tinyModel(), randomTensors(tinyModel(), 1), { type: 'q8_0', tokenizerMetadata: [['tokenizer.ggml.bos_token_id', { type: 'u32', value: 1 }]] });
  return readFileSync(p);
}

const readAll = (path: string) => {
  const f = readGguf(path);
  for (const t of f.tensors) {
    const bytes = readTensorBytes(f, t);
    if ([0, 1, 8, 12, 14, 30].includes(t.ggmlType)) dequantize(t.ggmlType, bytes, t.shape.reduce((a, b) => a * b, 1));
  }
};

const loadAll = (path: string) => {
  const ws = loadGgufModel(path);
  for (const [name, t] of ws.tensors) readF32(t, name);
};

test(`fuzz: ${3000 * SCALE} mutants of a GGUF with every value type and four tensor types`, { timeout: 120_000 * SCALE }, () => {
  const seed = ggufSeed();
  const headerSpan = readGguf(join(dir, 'seed.gguf')).dataOffset;
  const t = fuzz('gguf', seed, headerSpan, 3000 * SCALE, 11, readAll);
  assert.ok(t.rejected > 1000 && t.ok > 50, JSON.stringify(t)); // the mutants do reach both outcomes
});

test(`fuzz: ${1500 * SCALE} mutants of a Llama GGUF through loadGgufModel (config checks, rope_freqs, dequantize)`, { timeout: 120_000 * SCALE }, () => {
  const seed = modelSeed();
  const headerSpan = readGguf(join(dir, 'model-seed.gguf')).dataOffset;
  const t = fuzz('model', seed, headerSpan, 1500 * SCALE, 12, loadAll);
  assert.ok(t.rejected > 500 && t.ok > 20, JSON.stringify(t));
});

// safetensors: binary mutations plus edits of the JSON header text.
const NUMBERS = ['-1', '0', '1e309', '18446744073709551616', '9007199254740993', '4294967296', '1.5', 'null', '"8"', '[]', '{}'];

function mutateJson(seed: Buffer, rng: Rng): Buffer {
  const n = Number(seed.readBigUInt64LE(0));
  let text = seed.subarray(8, 8 + n).toString('utf8');
  const numbers = [...text.matchAll(/\d+/g)];
  const strings = [...text.matchAll(/"[A-Z0-9_]+"/g)];
  switch (rng.int(4)) {
    case 0: { const m = rng.pick(numbers); text = text.slice(0, m.index) + rng.pick(NUMBERS) + text.slice(m.index! + m[0].length); break; }
    case 1: { const [a, b] = [rng.pick(numbers), rng.pick(numbers)]; if (a.index! < b.index!) text = text.slice(0, a.index) + b[0] + text.slice(a.index! + a[0].length, b.index) + a[0] + text.slice(b.index! + b[0].length); break; }
    case 2: { if (strings.length) { const m = rng.pick(strings); text = text.slice(0, m.index) + rng.pick(['"F8"', '"I64"', '"F64"', '"BF16"', '"Q4"', '""']) + text.slice(m.index! + m[0].length); } break; }
    default: { const at = rng.int(text.length); text = text.slice(0, at) + rng.pick(['', '[', '{', '"', ',', '}', ']', '\\']) + text.slice(at + rng.int(3)); }
  }
  const json = Buffer.from(text, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, json, seed.subarray(8 + n)]);
}

test(`fuzz: ${2500 * SCALE} mutants of a safetensors file (binary and JSON-header edits)`, { timeout: 120_000 * SCALE }, () => {
  const hf = join(dir, 'seed-hf');
  saveModel(hf, tinyModel(), randomTensors(tinyModel(), 2), { type: 'bf16' });
  const seed = readFileSync(join(hf, 'model.safetensors'));
  const headerSpan = 8 + Number(seed.readBigUInt64LE(0));
  const parse = (path: string) => {
    const f = readSafetensors(path);
    for (const t of f.tensors) readSafetensorsBytes(f, t);
  };
  const binary = fuzz('st', seed, headerSpan, 1000 * SCALE, 13, parse);
  const rng = new Rng(14);
  let rejected = 0;
  const path = join(dir, 'st-json');
  for (let i = 0; i < 1500 * SCALE; i++) {
    const m = mutateJson(seed, rng);
    writeFileSync(path, m);
    try {
      parse(path);
    } catch (e) {
      if (!(e instanceof LlamatsError)) assert.fail(`safetensors JSON mutant ${i}: ${(e as Error)?.stack ?? e}`);
      rejected++;
    }
  }
  assert.ok(binary.rejected > 300 && rejected > 700, `${JSON.stringify(binary)}, json rejected ${rejected}`);
});

test(`fuzz: ${400 * SCALE} mutants of an HF folder's config.json and index (loadHfModel)`, { timeout: 120_000 * SCALE }, () => {
  const hf = join(dir, 'fuzz-hf');
  mkdirSync(hf, { recursive: true });
  saveModel(hf, tinyModel(), randomTensors(tinyModel(), 3), { type: 'f16', maxShardBytes: 3000 });
  const files = ['config.json', 'model.safetensors.index.json'];
  const seeds = files.map((f) => readFileSync(join(hf, f), 'utf8'));
  const rng = new Rng(15);
  let rejected = 0;
  const EDITS = ['"../../etc/passwd"', '"/abs.safetensors"', '"x.safetensors"', '-1', '0', '1e400', '3', '"llama"', 'null', 'true', '[]', '{}', '"linear"', '"model-00001-of-00009.safetensors"'];
  for (let i = 0; i < 400 * SCALE; i++) {
    const k = rng.int(files.length);
    let text = seeds[k]!;
    const tokens = [...text.matchAll(/"[^"]*"|-?\d+(\.\d+)?(e[-+]?\d+)?|true|false|null/g)].filter((m) => !text.slice(m.index! + m[0].length).startsWith('":') && !/^\s*:/.test(text.slice(m.index! + m[0].length)));
    const m = rng.pick(tokens);
    text = text.slice(0, m.index) + rng.pick(EDITS) + text.slice(m.index! + m[0].length);
    writeFileSync(join(hf, files[k]!), text);
    try {
      const ws = loadHfModel(hf);
      for (const [name, t] of ws.tensors) readF32(t, name);
    } catch (e) {
      if (!(e instanceof LlamatsError)) assert.fail(`HF mutant ${i} of ${files[k]}: ${(e as Error)?.stack ?? e}\n${text}`);
      rejected++;
    }
    writeFileSync(join(hf, files[k]!), seeds[k]!);
  }
  assert.ok(rejected > 100, `rejected ${rejected}`);
});
