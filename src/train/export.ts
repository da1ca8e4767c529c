// The trained model as files other tools load: a GGUF (llama.cpp) and a Hugging Face folder (transformers), both
// with the run's trained tokenizer (GGUF tokenizer.* metadata; tokenizer.json + tokenizer_config.json).
import { join } from 'node:path';
import type { Llama } from '../model/llama.js';
import { saveTrainedModel } from '../model/load.js';
import type { Tokenizer } from '../tokenizer/types.js';

/** Writes out/model.gguf and/or out/hf/; returns the paths written. */
export function exportModel(model: Llama, tokenizer: Tokenizer | null, out: string, what: { gguf: boolean; hf: boolean }): string[] {
  const written: string[] = [];
  if (what.gguf) written.push(join(out, 'model.gguf'));
  if (what.hf) written.push(join(out, 'hf'));
  for (const path of written) saveTrainedModel(path, model, tokenizer, { name: 'llamats-pretrain' });
  return written;
}
