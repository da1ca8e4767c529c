// One entry point for model files: a GGUF file or a Hugging Face folder, told apart by content (GGUF magic,
// or a folder with config.json), never by name. What the model engineer calls for `init` and `logits`.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import type { ModelConfig } from '../model/config.js';
import { FileFormatError } from '../util/errors.js';
import { loadGgufModel, saveGguf } from './gguf/model.js';
import type { GgufValue } from './gguf/types.js';
import { isHfFolder, loadHfModel, saveHf } from './hf/folder.js';
import { quantize } from './quant/codec.js';
import { GGML } from './quant/types.js';
import { WEIGHT_TYPES, type SpecialTokens, type WeightSet, type WeightTensor, type WeightType } from './weights.js';

export type ModelFormat = 'gguf' | 'hf';

export function detectModelFormat(path: string): ModelFormat {
  if (!existsSync(path)) throw new FileFormatError(path, 'path', 'a GGUF file or a Hugging Face model folder', 'nothing there');
  if (statSync(path).isDirectory()) {
    if (isHfFolder(path)) return 'hf';
    throw new FileFormatError(path, 'folder', 'a Hugging Face model folder (with config.json)', 'no config.json');
  }
  const head = new Uint8Array(4);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  if (Buffer.from(head).toString('latin1') === 'GGUF') return 'gguf';
  throw new FileFormatError(path, 'magic', '"GGUF" (a GGUF file) or a Hugging Face model folder', JSON.stringify(Buffer.from(head).toString('latin1')));
}

export function loadModel(path: string): WeightSet {
  return detectModelFormat(path) === 'gguf' ? loadGgufModel(path) : loadHfModel(path);
}

/** Where a path will be written: `.gguf` is a GGUF file, anything else a Hugging Face folder (cli-contract `init`). */
export const outputFormat = (path: string): ModelFormat => (path.toLowerCase().endsWith('.gguf') ? 'gguf' : 'hf');

export interface SaveModelOptions {
  type?: WeightType;
  name?: string;
  special?: SpecialTokens;
  /** tokenizer.* GGUF metadata (GGUF output). */
  tokenizerMetadata?: [string, GgufValue][];
  /** tokenizer.json and friends (HF output). */
  tokenizerFiles?: Map<string, string | Uint8Array>;
  maxShardBytes?: number;
  progress?: boolean;
}

/** Writes a model as GGUF (path ends in .gguf) or as a Hugging Face folder. */
export function saveModel(path: string, config: ModelConfig, tensors: Map<string, WeightTensor>, opts: SaveModelOptions = {}): ModelFormat {
  const format = outputFormat(path);
  if (format === 'gguf') {
    saveGguf(path, config, tensors, { type: opts.type, name: opts.name, tokenizerMetadata: opts.tokenizerMetadata, progress: opts.progress });
  } else {
    const t = opts.type && WEIGHT_TYPES[opts.type];
    if (t && t !== 'F32' && t !== 'F16' && t !== 'BF16') {
      throw new FileFormatError(path, '--type', 'f32, f16 or bf16 (Hugging Face folders hold no quantized types)', opts.type);
    }
    saveHf(path, config, tensors, opts.special ?? {}, { dtype: t as 'F32' | 'F16' | 'BF16' | undefined, maxShardBytes: opts.maxShardBytes, files: opts.tokenizerFiles, progress: opts.progress });
  }
  return format;
}

/** An in-memory f32 tensor as a WeightTensor (for `init` and tests). */
export function f32Tensor(shape: number[], data: Float32Array): WeightTensor {
  return { shape, ggmlType: GGML.F32.id, read: () => quantize(GGML.F32.id, data) };
}
