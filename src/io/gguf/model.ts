// A Llama model as a GGUF file: ModelConfig ↔ the llama.* keys (recipe §2), tensors under their GGUF names,
// `rope_freqs.weight` for Llama 3.1 scaling, no `output.weight` when the embeddings are tied (llama.cpp then
// reuses token_embd). loadGgufModel reads the header only; tensor bytes are read by range when asked for.
import { validateModelConfig, type ModelConfig } from '../../model/config.js';
import { numel, paramSpecs } from '../../model/params.js';
import { ConfigError, FileFormatError } from '../../util/errors.js';
import { Progress } from '../../util/progress.js';
import { ggmlTypeName, GGML } from '../quant/types.js';
import { ropeFreqFactors, ropeScalingFromFactors } from '../rope-freqs.js';
import { ROPE_FREQS } from '../tensor-names.js';
import { retype, storedType, type SpecialTokens, type WeightSet, type WeightTensor, type WeightType } from '../weights.js';
import { ARCH, FILE_TYPE, GENERAL, llmKey, QUANTIZATION_VERSION, TOKENIZER_PREFIX } from './keys.js';
import { metaNumber, metaOptional, metaString, metaStringArray, readGguf, readTensorBytes } from './read.js';
import type { GgufFile, GgufValue } from './types.js';
import { writeGguf } from './write.js';

/**
 * The shortest decimal that rounds to the same f32: GGUF stores eps and θ as f32, so 1e-5 comes back as
 * 9.999999747378752e-6; this recovers the 1e-5 that was written (as numpy's float32 repr does).
 */
export function shortestF32(x: number): number {
  for (let p = 1; p <= 9; p++) {
    const y = Number(x.toPrecision(p));
    if (Math.fround(y) === Math.fround(x)) return y;
  }
  return x;
}

export function loadGgufModel(path: string): WeightSet {
  const f = readGguf(path);
  const arch = metaString(f, GENERAL.architecture);
  if (arch !== ARCH) throw new FileFormatError(path, GENERAL.architecture, `"${ARCH}"`, JSON.stringify(arch));
  const byName = new Map(f.tensors.map((t) => [t.name, t]));
  const num = (k: Parameters<typeof llmKey>[0]) => metaNumber(f, llmKey(k));
  const opt = (k: Parameters<typeof llmKey>[0]) => metaOptional(f, llmKey(k), metaNumber);

  const dim = num('embeddingLength');
  const nHeads = num('headCount');
  const headDim = opt('keyLength') ?? dim / nHeads;
  const rotDim = opt('ropeDimensionCount') ?? headDim;
  if (rotDim !== headDim) throw new FileFormatError(path, llmKey('ropeDimensionCount'), `${headDim} (Llama rotates whole heads)`, String(rotDim));
  const embd = byName.get('token_embd.weight');
  const tokens = metaOptional(f, 'tokenizer.ggml.tokens', metaStringArray);
  const vocabSize = opt('vocabSize') ?? tokens?.length ?? embd?.shape[0];
  if (vocabSize === undefined) throw new FileFormatError(path, llmKey('vocabSize'), 'a vocabulary size (the key, a token list or token_embd.weight)');
  // llama.cpp sizes the embedding by the token list, so the two must agree.
  if (tokens && tokens.length !== vocabSize) throw new FileFormatError(path, 'tokenizer.ggml.tokens', `${vocabSize} tokens (${llmKey('vocabSize')})`, String(tokens.length));
  const ropeTheta = shortestF32(opt('ropeFreqBase') ?? 10000);
  const config: ModelConfig = {
    dim,
    nLayers: num('blockCount'),
    nHeads,
    nKvHeads: opt('headCountKv') ?? nHeads,
    headDim,
    ffnDim: num('feedForwardLength'),
    vocabSize,
    normEps: shortestF32(num('layerNormRmsEps')),
    ropeTheta,
    ropeScaling: null,
    maxSeqLen: num('contextLength'),
    tiedEmbeddings: !byName.has('output.weight'),
  };
  const rope = byName.get(ROPE_FREQS);
  if (rope) {
    if (rope.ggmlType !== GGML.F32.id) throw new FileFormatError(path, `tensor "${ROPE_FREQS}" type`, 'F32', ggmlTypeName(rope.ggmlType));
    const s = ropeScalingFromFactors(new Float32Array(readTensorBytes(f, rope).buffer), ropeTheta, headDim);
    if (typeof s === 'string') throw new FileFormatError(path, `tensor "${ROPE_FREQS}"`, s);
    config.ropeScaling = s ?? null;
  }
  try {
    validateModelConfig(config, path);
  } catch (e) {
    if (e instanceof ConfigError) throw new FileFormatError(path, `llama.* metadata (${e.field})`, e.expected, e.got);
    throw e;
  }

  // Bound the layer count by the tensors present before listing the expected ones: a hostile block_count
  // of 2^31 must not make us build 2^31 names.
  if (config.nLayers * 9 + 2 > f.tensors.length) {
    const what = f.tensors.length === 0 ? 'a model with tensors (this GGUF has none: vocabulary only?)' : `at most ${Math.max(0, Math.floor((f.tensors.length - 2) / 9))} (the file has ${f.tensors.length} tensors, 9 per block)`;
    throw new FileFormatError(path, llmKey('blockCount'), what, String(config.nLayers));
  }
  const tensors = new Map<string, WeightTensor>();
  const expected = new Set<string>();
  for (const spec of paramSpecs(config)) {
    expected.add(spec.name);
    const t = byName.get(spec.name);
    if (!t) throw new FileFormatError(path, `tensor "${spec.name}"`, `present (shape [${spec.shape.join(', ')}])`, 'missing');
    if (t.shape.length !== spec.shape.length || t.shape.some((n, i) => n !== spec.shape[i])) {
      throw new FileFormatError(path, `tensor "${spec.name}" shape`, `[${spec.shape.join(', ')}]`, `[${t.shape.join(', ')}]`);
    }
    tensors.set(spec.name, { shape: t.shape, ggmlType: t.ggmlType, read: () => readTensorBytes(f, t) });
  }
  for (const t of f.tensors) {
    if (!expected.has(t.name) && t.name !== ROPE_FREQS) throw new FileFormatError(path, `tensor "${t.name}"`, 'a Llama tensor (llama.cpp would refuse it too)', 'an unknown name');
  }
  return { config, tensors, name: metaOptional(f, GENERAL.name, metaString) ?? 'llama', special: ggufSpecialTokens(f), source: { kind: 'gguf', file: f } };
}

/** Llama 3 chat turns end with these as well as eos (recipe §3 stop ids: L3 {128001, 128009}, 3.1+ adds 128008). */
const STOP_PIECES = ['<|eot_id|>', '<|eom_id|>'];

export function ggufSpecialTokens(f: GgufFile): SpecialTokens {
  const bos = metaOptional(f, 'tokenizer.ggml.bos_token_id', metaNumber);
  const eos = metaOptional(f, 'tokenizer.ggml.eos_token_id', metaNumber);
  const tokens = metaOptional(f, 'tokenizer.ggml.tokens', metaStringArray) ?? [];
  const out: SpecialTokens = {};
  if (bos !== undefined) out.bos = bos;
  if (eos !== undefined) {
    const stops = STOP_PIECES.map((p) => tokens.indexOf(p)).filter((id) => id >= 0 && id !== eos).sort((a, b) => a - b);
    out.eos = [eos, ...stops];
  }
  return out;
}

export interface SaveGgufOptions {
  /** Store the weights as this type (norms stay F32); undefined keeps each tensor's type. */
  type?: WeightType;
  name?: string;
  /** tokenizer.* entries (from the tokenizer module, or carried over from another GGUF). */
  tokenizerMetadata?: [string, GgufValue][];
  alignment?: number;
  progress?: boolean;
}

const u32 = (value: number): GgufValue => ({ type: 'u32', value });
const f32 = (value: number): GgufValue => ({ type: 'f32', value });

/** The llama.* and general.* metadata of a model (what convert_hf_to_gguf.py writes for LlamaForCausalLM). */
export function llamaMetadata(c: ModelConfig, name: string, fileType: number): [string, GgufValue][] {
  return [
    [GENERAL.architecture, { type: 'string', value: ARCH }],
    [GENERAL.name, { type: 'string', value: name }],
    [llmKey('contextLength'), u32(c.maxSeqLen)],
    [llmKey('embeddingLength'), u32(c.dim)],
    [llmKey('blockCount'), u32(c.nLayers)],
    [llmKey('feedForwardLength'), u32(c.ffnDim)],
    [llmKey('headCount'), u32(c.nHeads)],
    [llmKey('headCountKv'), u32(c.nKvHeads)],
    [llmKey('keyLength'), u32(c.headDim)],
    [llmKey('valueLength'), u32(c.headDim)],
    [llmKey('layerNormRmsEps'), f32(c.normEps)],
    [llmKey('ropeFreqBase'), f32(c.ropeTheta)],
    [llmKey('ropeDimensionCount'), u32(c.headDim)],
    [llmKey('vocabSize'), u32(c.vocabSize)],
    [GENERAL.fileType, u32(fileType)],
    [GENERAL.quantizationVersion, u32(QUANTIZATION_VERSION)],
  ];
}

/**
 * Writes `tensors` (GGUF names, Meta Q/K order) as a llama.cpp-loadable GGUF. Tensors are converted and
 * written one at a time (streamed), with a progress bar per tensor on stderr.
 */
export function saveGguf(path: string, config: ModelConfig, tensors: Map<string, WeightTensor>, opts: SaveGgufOptions = {}): void {
  validateModelConfig(config, `saveGguf ${path}`);
  const specs = paramSpecs(config);
  const plan = specs.map((spec) => {
    const t = tensors.get(spec.name);
    if (!t) throw new ConfigError(`saveGguf ${path}`, `tensor "${spec.name}"`, 'present', 'missing');
    if (numel(t.shape) !== numel(spec.shape)) throw new ConfigError(`saveGguf ${path}`, `tensor "${spec.name}" shape`, `[${spec.shape.join(', ')}]`, `[${t.shape.join(', ')}]`);
    return { name: spec.name, shape: spec.shape, tensor: t, type: storedType(spec.name, spec.shape, t.ggmlType, opts.type) };
  });
  const tokens = opts.tokenizerMetadata?.find(([k]) => k === 'tokenizer.ggml.tokens')?.[1];
  if (tokens && tokens.type === 'array' && tokens.value.length !== config.vocabSize) {
    throw new ConfigError(`saveGguf ${path}`, 'tokenizer.ggml.tokens', `${config.vocabSize} tokens (the model's vocabulary)`, String(tokens.value.length));
  }
  const fileType = opts.type ? FILE_TYPE[WEIGHT_TYPE_NAME(opts.type)]! : mostlyType(plan.map((p) => p.type));
  const metadata = [...llamaMetadata(config, opts.name ?? 'llama', fileType), ...(opts.alignment ? [[GENERAL.alignment, u32(opts.alignment)] as [string, GgufValue]] : []),
    ...(opts.tokenizerMetadata ?? []).filter(([k]) => k.startsWith(TOKENIZER_PREFIX))];
  const bar = new Progress(`write ${path}`, plan.length, { unit: 'tensor', quiet: !opts.progress || process.env.LLAMATS_QUIET === '1' });
  const out = plan.map((p) => ({
    name: p.name, shape: p.shape, ggmlType: p.type,
    data: () => {
      const bytes = retype(p.tensor, p.type, p.name);
      bar.tick(1, `${p.name} ${ggmlTypeName(p.type)}`);
      return bytes;
    },
  }));
  if (config.ropeScaling) {
    // Llama 3.1: the divisors go into the file (llama.cpp has no rope_scaling keys for "llama3").
    const factors = ropeFreqFactors(config.ropeScaling, config.ropeTheta, config.headDim);
    out.push({ name: ROPE_FREQS, shape: [factors.length], ggmlType: GGML.F32.id, data: () => new Uint8Array(factors.buffer) });
  }
  writeGguf(path, metadata, out, opts.alignment);
  bar.finish();
}

const WEIGHT_TYPE_NAME = (t: WeightType): string => t.toUpperCase();

/** general.file_type of a file whose 2-D tensors have these types: the most common one. */
function mostlyType(types: number[]): number {
  const counts = new Map<number, number>();
  for (const t of types) if (t !== GGML.F32.id || types.every((x) => x === GGML.F32.id)) counts.set(t, (counts.get(t) ?? 0) + 1);
  const top = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? GGML.F32.id;
  return FILE_TYPE[ggmlTypeName(top)] ?? 0;
}
