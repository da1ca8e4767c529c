// `llamats convert IN OUT [--type T]`: GGUF ↔ Hugging Face folder in both directions, GGUF → GGUF requantize,
// HF → HF retype. Tensors stream one at a time; the Q/K permutation is applied by the HF reader and writer.
// Tokenizers: GGUF → GGUF carries tokenizer.* untouched and HF → HF copies the tokenizer files; across
// formats the caller supplies a TokenizerBridge (src/tokenizer sits above src/io, so io cannot import it).
import { log } from '../util/progress.js';
import { TOKENIZER_PREFIX } from './gguf/keys.js';
import type { GgufFile, GgufValue } from './gguf/types.js';
import { hfTokenizerFiles } from './hf/folder.js';
import { loadModel, outputFormat, saveModel, type ModelFormat } from './model-file.js';
import type { WeightType } from './weights.js';

export interface TokenizerBridge {
  /** tokenizer.json etc. for an HF folder, from a GGUF's tokenizer.* metadata. */
  ggufToHf(f: GgufFile, maxSeqLen: number): Map<string, string | Uint8Array>;
  /** tokenizer.* metadata from an HF folder's tokenizer files. */
  hfToGguf(dir: string): [string, GgufValue][];
}

export interface ConvertOptions {
  type?: WeightType;
  maxShardBytes?: number;
  progress?: boolean;
  tokenizer?: TokenizerBridge;
}

export interface ConvertReport {
  from: ModelFormat;
  to: ModelFormat;
  tensors: number;
  tokenizer: 'carried' | 'converted' | 'none';
}

export function convertModel(input: string, output: string, opts: ConvertOptions = {}): ConvertReport {
  const ws = loadModel(input);
  const to = outputFormat(output);
  let tokenizerMetadata: [string, GgufValue][] | undefined;
  let tokenizerFiles: Map<string, string | Uint8Array> | undefined;
  let tokenizer: ConvertReport['tokenizer'] = 'none';
  const src = ws.source;
  if (src.kind === 'gguf') {
    const hasTokenizer = [...src.file.metadata.keys()].some((k) => k.startsWith(TOKENIZER_PREFIX));
    if (hasTokenizer && to === 'gguf') {
      tokenizerMetadata = [...src.file.metadata].filter(([k]) => k.startsWith(TOKENIZER_PREFIX));
      tokenizer = 'carried';
    } else if (hasTokenizer) {
      tokenizerFiles = tryBridge(() => opts.tokenizer?.ggufToHf(src.file, ws.config.maxSeqLen));
      if (tokenizerFiles) tokenizer = 'converted';
    }
  } else {
    const files = hfTokenizerFiles(src.dir);
    if (files.size > 0 && to === 'hf') {
      tokenizerFiles = files;
      tokenizer = 'carried';
    } else if (files.size > 0) {
      tokenizerMetadata = tryBridge(() => opts.tokenizer?.hfToGguf(src.dir));
      if (tokenizerMetadata) tokenizer = 'converted';
    }
  }
  saveModel(output, ws.config, ws.tensors, {
    type: opts.type, name: ws.name, special: ws.special, tokenizerMetadata, tokenizerFiles, maxShardBytes: opts.maxShardBytes, progress: opts.progress,
  });
  return { from: src.kind, to, tensors: ws.tensors.size, tokenizer };
}

/** A tokenizer the converter cannot translate is reported and skipped: the weights are still worth having. */
function tryBridge<T>(f: () => T | undefined): T | undefined {
  try {
    return f();
  } catch (e) {
    log(`warning: tokenizer not converted: ${(e as Error).message}`);
    return undefined;
  }
}
