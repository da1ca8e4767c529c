// The trained model as files other tools load: a GGUF (llama.cpp) and a Hugging Face folder (transformers), both
// through src/io's writers, each with the run's trained tokenizer (GGUF tokenizer.* metadata; tokenizer.json).
import { join } from 'node:path';
import { pythonJson } from '../io/hf/python-json.js';
import { f32Tensor, saveModel } from '../io/model-file.js';
import type { WeightTensor } from '../io/weights.js';
import type { Llama } from '../model/llama.js';
import { paramSpecs } from '../model/params.js';
import { tokenizerToGgufMetadata } from '../tokenizer/gguf.js';
import { tokenizerToHfJson } from '../tokenizer/hf-json.js';
import type { Tokenizer } from '../tokenizer/types.js';

/** Writes out/model.gguf and/or out/hf/; returns the paths written. */
export function exportModel(model: Llama, tokenizer: Tokenizer | null, out: string, what: { gguf: boolean; hf: boolean }): string[] {
  const c = model.config;
  const tensors = new Map<string, WeightTensor>();
  for (const s of paramSpecs(c)) tensors.set(s.name, f32Tensor([...s.shape], model.params.get(s.name).data));
  const special = tokenizer ? { bos: tokenizer.bos, eos: [tokenizer.eos, ...tokenizer.stopIds.filter((id) => id !== tokenizer.eos)] } : {};
  const written: string[] = [];
  if (what.gguf) {
    const path = join(out, 'model.gguf');
    saveModel(path, c, tensors, { name: 'llamats-pretrain', special, tokenizerMetadata: tokenizer ? tokenizerToGgufMetadata(tokenizer) : undefined });
    written.push(path);
  }
  if (what.hf) {
    const path = join(out, 'hf');
    const files = new Map<string, string>();
    if (tokenizer) {
      const piece = (id: number) => tokenizer.idToPiece(id);
      files.set('tokenizer.json', `${JSON.stringify(tokenizerToHfJson(tokenizer), null, 2)}\n`);
      files.set('tokenizer_config.json', pythonJson({
        add_bos_token: true, add_eos_token: false, bos_token: piece(tokenizer.bos), eos_token: piece(tokenizer.eos),
        clean_up_tokenization_spaces: false, model_max_length: c.maxSeqLen, tokenizer_class: 'PreTrainedTokenizerFast',
      }));
    }
    saveModel(path, c, tensors, { special, tokenizerFiles: files });
    written.push(path);
  }
  return written;
}
