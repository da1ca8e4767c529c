// The model + tokenizer pair that generation needs, from a GGUF file or an HF folder (model/load.ts), with the
// tokenizer from the file itself or given separately.
import { basename } from 'node:path';
import type { ModelConfig } from '../model/config.js';
import type { Decoder } from '../model/inference.js';
import { loadInferenceModel } from '../model/load.js';
import { loadTokenizer } from '../tokenizer/load.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { ConfigError } from '../util/errors.js';

export interface GenerationModel {
  /** A name for the model (the file or folder name). */
  id: string;
  config: ModelConfig;
  decoder: Decoder;
  tokenizer: Tokenizer;
  /** Ids that end generation: the model file's EOS ids and the tokenizer family's stop ids (recipe §3). */
  stopIds: number[];
}

export function loadGenerationModel(path: string, tokenizerPath?: string): GenerationModel {
  const m = loadInferenceModel(path);
  const tokenizer = tokenizerPath ? loadTokenizer(tokenizerPath) : m.tokenizer;
  if (!tokenizer) throw new ConfigError(path, 'tokenizer', 'a tokenizer in the model file, or --tokenizer FILE', 'none');
  if (tokenizer.vocabSize !== m.config.vocabSize) {
    throw new ConfigError(tokenizerPath ?? path, 'tokenizer vocabulary size', `${m.config.vocabSize} (the model's)`, `${tokenizer.vocabSize}`);
  }
  const stopIds = tokenizerPath ? [...tokenizer.stopIds] : [...new Set([...m.stopIds, ...tokenizer.stopIds])];
  return { id: basename(path).replace(/\.gguf$/i, ''), config: m.config, decoder: m.decoder, tokenizer, stopIds };
}
