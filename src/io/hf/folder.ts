// A Hugging Face model folder (transformers `save_pretrained` layout): config.json, generation_config.json,
// model.safetensors or model-0000i-of-0000n.safetensors + model.safetensors.index.json, tokenizer files.
// Reading maps HF names to GGUF names and un-permutes Wq/Wk into Meta order; writing does the reverse
// (recipe §2), so a WeightSet always holds GGUF names and Meta Q/K order whatever file it came from.
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelConfig } from '../../model/config.js';
import { numel, paramSpecs } from '../../model/params.js';
import { ConfigError, FileFormatError } from '../../util/errors.js';
import { readJsonFile, writeFileAtomic } from '../../util/fs.js';
import { Progress } from '../../util/progress.js';
import { dequantize, quantize } from '../quant/codec.js';
import { ggmlType } from '../quant/types.js';
import { DTYPE_TO_GGML, ggmlToDtype, ST_DTYPE_BYTES, type FloatDtype } from '../safetensors/dtypes.js';
import { readSafetensors, readSafetensorsBytes, type SafetensorsFile, type SafetensorsTensor } from '../safetensors/read.js';
import { writeSafetensors } from '../safetensors/write.js';
import { ggufNameOfHf, hfName, isHfBuffer, qkKind } from '../tensor-names.js';
import { retype, type SpecialTokens, type WeightSet, type WeightTensor } from '../weights.js';
import { generationConfigJson, hfConfigJson, modelConfigFromHf, specialTokensFromHf } from './config.js';
import { hfToMetaRows, metaToHfRows } from './permute.js';
import { pythonJson } from './python-json.js';

export const SINGLE_FILE = 'model.safetensors';
export const INDEX_FILE = 'model.safetensors.index.json';
/** transformers' default `max_shard_size` ("5GB"). */
export const DEFAULT_SHARD_BYTES = 5_000_000_000;
const SHARD_NAME = /^[\w.-]+\.safetensors$/; // a plain file name in the folder, never a path

export function isHfFolder(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory() && existsSync(join(path, 'config.json'));
}

// --- reading ---

function shardFiles(dir: string): SafetensorsFile[] {
  const index = join(dir, INDEX_FILE);
  if (existsSync(index)) {
    const json = readJsonFile(index) as { weight_map?: unknown };
    const map = json?.weight_map;
    if (typeof map !== 'object' || map === null || Array.isArray(map)) throw new FileFormatError(index, 'weight_map', 'an object tensor name → shard file', JSON.stringify(map)?.slice(0, 60));
    const shards = new Set<string>();
    for (const [name, file] of Object.entries(map)) {
      if (typeof file !== 'string' || !SHARD_NAME.test(file)) throw new FileFormatError(index, `weight_map["${name}"]`, 'a .safetensors file name in the same folder', JSON.stringify(file));
      shards.add(file);
    }
    const files = [...shards].sort().map((s) => {
      if (!existsSync(join(dir, s))) throw new FileFormatError(index, 'weight_map', `shard ${s} to exist`, 'missing');
      return readSafetensors(join(dir, s));
    });
    const byShard = new Map(files.map((f, i) => [[...shards].sort()[i]!, new Set(f.tensors.map((t) => t.name))]));
    for (const [name, file] of Object.entries(map as Record<string, string>)) {
      if (!byShard.get(file)!.has(name)) throw new FileFormatError(join(dir, file), `tensor "${name}"`, `present (listed in ${INDEX_FILE})`, 'missing');
    }
    return files;
  }
  if (existsSync(join(dir, SINGLE_FILE))) return [readSafetensors(join(dir, SINGLE_FILE))];
  throw new FileFormatError(dir, 'weights', `${SINGLE_FILE} or ${INDEX_FILE} (PyTorch .bin checkpoints are not supported)`, 'neither');
}

export function loadHfModel(dir: string): WeightSet {
  const configFile = join(dir, 'config.json');
  const configJson = readJsonFile(configFile) as Record<string, unknown>;
  const { config, special } = modelConfigFromHf(configFile, configJson);
  // generation_config.json lists every stop id (Llama 3: [128001, 128009]); config.json often only eos.
  const genFile = join(dir, 'generation_config.json');
  if (existsSync(genFile)) {
    const gen = specialTokensFromHf(genFile, readJsonFile(genFile));
    if (gen.eos && gen.eos.length > (special.eos?.length ?? 0)) special.eos = gen.eos;
  }
  const found = new Map<string, { file: SafetensorsFile; t: SafetensorsTensor }>();
  for (const file of shardFiles(dir)) {
    for (const t of file.tensors) {
      if (isHfBuffer(t.name)) continue;
      const name = ggufNameOfHf(t.name);
      if (name === undefined) throw new FileFormatError(file.path, `tensor "${t.name}"`, 'a LlamaForCausalLM weight name', 'an unknown name');
      if (found.has(name)) throw new FileFormatError(file.path, `tensor "${t.name}"`, 'in one shard only', `also in ${found.get(name)!.file.path}`);
      found.set(name, { file, t });
    }
  }
  // A hostile num_hidden_layers must not make us list billions of expected names: bound it by what is there.
  if (config.nLayers * 9 + 2 > found.size) {
    throw new FileFormatError(configFile, 'num_hidden_layers', `at most ${Math.floor((found.size - 2) / 9)} (the shards hold ${found.size} weights, 9 per layer)`, String(config.nLayers));
  }
  const tensors = new Map<string, WeightTensor>();
  for (const spec of paramSpecs(config)) {
    const hit = found.get(spec.name);
    if (!hit) throw new FileFormatError(dir, `tensor "${hfName(spec.name)}"`, `present (shape [${spec.shape.join(', ')}])`, 'missing');
    const { file, t } = hit;
    if (t.shape.length !== spec.shape.length || t.shape.some((n, i) => n !== spec.shape[i])) {
      throw new FileFormatError(file.path, `tensor "${t.name}" shape`, `[${spec.shape.join(', ')}]`, `[${t.shape.join(', ')}]`);
    }
    if (!(t.dtype in DTYPE_TO_GGML)) throw new FileFormatError(file.path, `tensor "${t.name}" dtype`, 'F32, F16 or BF16', t.dtype);
    const kind = qkKind(spec.name);
    const nHeads = kind === 'q' ? config.nHeads : config.nKvHeads;
    const rowBytes = spec.shape[1]! * ST_DTYPE_BYTES[t.dtype]!;
    const read = kind ? () => hfToMetaRows(readSafetensorsBytes(file, t), nHeads, config.headDim, rowBytes) : () => readSafetensorsBytes(file, t);
    tensors.set(spec.name, { shape: t.shape, ggmlType: DTYPE_TO_GGML[t.dtype as FloatDtype], read });
  }
  return { config, tensors, name: dir.replace(/\/+$/, '').split('/').pop() ?? 'llama', special, source: { kind: 'hf', dir, config: configJson } };
}

// --- writing ---

export interface SaveHfOptions {
  /** Store every tensor as this dtype (like published checkpoints); undefined keeps float types (see below). */
  dtype?: FloatDtype;
  maxShardBytes?: number;
  /** Extra files (tokenizer.json, tokenizer_config.json, …): name → contents. */
  files?: Map<string, string | Uint8Array>;
  progress?: boolean;
}

/**
 * The dtype each tensor gets when none is asked for, chosen so GGUF → HF → GGUF and HF → GGUF → HF are
 * bit-exact: the main dtype is that of most 2-D tensors (F32 when they are quantized, since dequantized
 * values are exact in f32 only); a float tensor of another type keeps its type unless it converts to the
 * main dtype and back unchanged (GGUF's F32 norms of an F16 model read from an F16 HF folder).
 */
function chooseDtypes(tensors: Map<string, WeightTensor>, dtype: FloatDtype | undefined): Map<string, FloatDtype> {
  const out = new Map<string, FloatDtype>();
  if (dtype) {
    for (const name of tensors.keys()) out.set(name, dtype);
    return out;
  }
  const counts = new Map<FloatDtype, number>();
  for (const t of tensors.values()) if (t.shape.length > 1) counts.set(ggmlToDtype(t.ggmlType) ?? 'F32', (counts.get(ggmlToDtype(t.ggmlType) ?? 'F32') ?? 0) + 1);
  const main = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'F32';
  for (const [name, t] of tensors) {
    const own = ggmlToDtype(t.ggmlType);
    if (own === undefined) out.set(name, 'F32');
    else if (own === main || t.shape.length > 1) out.set(name, own);
    else out.set(name, convertsExactly(t, DTYPE_TO_GGML[main]) ? main : own);
  }
  return out;
}

function convertsExactly(t: WeightTensor, to: number): boolean {
  const bytes = t.read();
  const x = dequantize(t.ggmlType, bytes, numel(t.shape));
  const back = dequantize(to, quantize(to, x), x.length);
  return x.every((v, i) => Object.is(v, back[i]));
}

/** Writes a transformers-loadable folder. `tensors` are under GGUF names with Q/K rows in Meta order. */
export function saveHf(dir: string, config: ModelConfig, tensors: Map<string, WeightTensor>, special: SpecialTokens, opts: SaveHfOptions = {}): void {
  const specs = paramSpecs(config);
  for (const s of specs) if (!tensors.has(s.name)) throw new ConfigError(`saveHf ${dir}`, `tensor "${s.name}"`, 'present', 'missing');
  const dtypes = chooseDtypes(new Map(specs.map((s) => [s.name, tensors.get(s.name)!])), opts.dtype);
  const plan = specs.map((s) => {
    const t = tensors.get(s.name)!;
    const dtype = dtypes.get(s.name)!;
    const to = DTYPE_TO_GGML[dtype];
    const kind = qkKind(s.name);
    const data = () => {
      let bytes = retype(t, to, s.name);
      if (kind) bytes = metaToHfRows(bytes, kind === 'q' ? config.nHeads : config.nKvHeads, config.headDim, s.shape[1]! * ggmlType(to)!.bytes);
      return bytes;
    };
    return { name: hfName(s.name), dtype, shape: s.shape, bytes: numel(s.shape) * ST_DTYPE_BYTES[dtype]!, data };
  });

  // Shards in model order (as transformers' shard_checkpoint), each file's tensors sorted by name.
  const maxBytes = opts.maxShardBytes ?? DEFAULT_SHARD_BYTES;
  const shards: (typeof plan)[] = [[]];
  let size = 0;
  for (const p of plan) {
    if (size > 0 && size + p.bytes > maxBytes) {
      shards.push([]);
      size = 0;
    }
    shards[shards.length - 1]!.push(p);
    size += p.bytes;
  }
  const names = shards.length === 1 ? [SINGLE_FILE] : shards.map((_, i) => `model-${String(i + 1).padStart(5, '0')}-of-${String(shards.length).padStart(5, '0')}.safetensors`);
  const bar = new Progress(`write ${dir}`, plan.length, { unit: 'tensor', quiet: !opts.progress || process.env.LLAMATS_QUIET === '1' });
  shards.forEach((shard, i) => {
    const sorted = [...shard].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    writeSafetensors(join(dir, names[i]!), sorted.map((p) => ({ name: p.name, dtype: p.dtype, shape: p.shape, data: () => {
      const d = p.data();
      bar.tick(1, `${p.name} ${p.dtype}`);
      return d;
    } })));
  });
  bar.finish();
  removeStaleWeights(dir, new Set(names));
  if (shards.length > 1) {
    const weightMap: Record<string, string> = {};
    shards.forEach((shard, i) => shard.forEach((p) => (weightMap[p.name] = names[i]!)));
    const totalSize = plan.reduce((s, p) => s + p.bytes, 0);
    writeFileAtomic(join(dir, INDEX_FILE), pythonJson({ metadata: { total_size: totalSize }, weight_map: weightMap }));
  }
  const counts = new Map<FloatDtype, number>();
  for (const p of plan) if (p.shape.length > 1) counts.set(p.dtype, (counts.get(p.dtype) ?? 0) + 1);
  const mainDtype = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'F32';
  writeFileAtomic(join(dir, 'config.json'), pythonJson(hfConfigJson(config, mainDtype, special)));
  writeFileAtomic(join(dir, 'generation_config.json'), pythonJson(generationConfigJson(special)));
  for (const [name, contents] of opts.files ?? []) writeFileAtomic(join(dir, name), contents);
}

/**
 * Weight files of an earlier save that the new one does not overwrite (a stale index next to a new single
 * file would be read instead of it). Like transformers' save_pretrained, only our own file names are touched.
 */
function removeStaleWeights(dir: string, written: Set<string>): void {
  const ours = /^(model\.safetensors|model-\d{5}-of-\d{5}\.safetensors)$/;
  for (const f of readdirSync(dir)) if (ours.test(f) && !written.has(f)) rmSync(join(dir, f));
  if (written.size === 1) rmSync(join(dir, INDEX_FILE), { force: true });
}

/** The tokenizer files an HF folder has, by name (copied as they are for HF → HF). */
export const HF_TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'tokenizer.model'];

export function hfTokenizerFiles(dir: string): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const name of HF_TOKENIZER_FILES) if (existsSync(join(dir, name))) out.set(name, new Uint8Array(readFileSync(join(dir, name))));
  return out;
}
