// Loading and saving whole models: a GGUF file or a Hugging Face folder (io/) becomes either an inference
// model (Decoder over WeightMatrix views, quantized tensors kept quantized) or a trainable float32 Llama
// (every tensor dequantized into the ParameterSet), with the tokenizer that travels in the same file or folder.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pythonJson } from '../io/hf/python-json.js';
import { f32Tensor, loadModel as loadWeightSet, saveModel, type SaveModelOptions } from '../io/model-file.js';
import { readF32, type WeightSet, type WeightTensor, type WeightType } from '../io/weights.js';
import { GGML } from '../io/quant/types.js';
import { tokenizerFromGguf, tokenizerToGgufMetadata } from '../tokenizer/gguf.js';
import { tokenizerToHfJson } from '../tokenizer/hf-json.js';
import { loadTokenizer } from '../tokenizer/load.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { FileFormatError } from '../util/errors.js';
import type { ModelConfig } from './config.js';
import { Decoder } from './inference.js';
import { Llama } from './llama.js';
import { paramSpecs } from './params.js';
import { fuseProducts, packForInference, type InferenceWeights, type WeightMatrix } from './weights.js';

export interface InferenceModel {
  path: string;
  config: ModelConfig;
  weights: InferenceWeights;
  decoder: Decoder;
  /** The tokenizer stored with the model, or null when the file has none (e.g. a GGUF without tokenizer keys). */
  tokenizer: Tokenizer | null;
  /** Ids that end generation according to the model file (eos and e.g. <|eot_id|>), beside the tokenizer's. */
  stopIds: number[];
}

function matrix(ws: WeightSet, name: string): WeightMatrix {
  const t = tensorOf(ws, name);
  if (t.shape.length !== 2) throw new FileFormatError(ws.name, name, 'a 2-D tensor', `shape [${t.shape.join(', ')}]`);
  const [rows, cols] = t.shape as [number, number];
  if (t.ggmlType === GGML.F32.id) return { kind: 'f32', rows, cols, data: readF32(t, name) };
  return { kind: 'quant', rows, cols, ggmlType: t.ggmlType, bytes: t.read() };
}

/** A matrix that only enters products: in the backend's packed layout where it has one (weights.ts). */
function linear(ws: WeightSet, name: string): WeightMatrix {
  return packForInference(matrix(ws, name));
}

function vector(ws: WeightSet, name: string): Float32Array {
  return readF32(tensorOf(ws, name), name);
}

function tensorOf(ws: WeightSet, name: string): WeightTensor {
  const t = ws.tensors.get(name);
  if (!t) throw new FileFormatError(ws.name, name, 'this tensor (the model has no such weight)', 'missing');
  return t;
}

/** The tokenizer that comes with a model file or folder, if any. */
export function modelTokenizer(ws: WeightSet): Tokenizer | null {
  if (ws.source.kind === 'gguf') {
    return ws.source.file.metadata.has('tokenizer.ggml.model') ? tokenizerFromGguf(ws.source.file) : null;
  }
  const file = join(ws.source.dir, 'tokenizer.json');
  return existsSync(file) ? loadTokenizer(file) : null;
}

/** Loads a model for generation. Quantized tensors stay quantized; F32 tensors are read as float32. */
export function loadInferenceModel(path: string): InferenceModel {
  const ws = loadWeightSet(path);
  const c = ws.config;
  const tokEmbd = matrix(ws, 'token_embd.weight');
  const weights: InferenceWeights = {
    tokEmbd,
    layers: Array.from({ length: c.nLayers }, (_, l) => {
      const b = `blk.${l}.`;
      return fuseProducts({
        attnNorm: vector(ws, `${b}attn_norm.weight`),
        wq: linear(ws, `${b}attn_q.weight`),
        wk: linear(ws, `${b}attn_k.weight`),
        wv: linear(ws, `${b}attn_v.weight`),
        wo: linear(ws, `${b}attn_output.weight`),
        ffnNorm: vector(ws, `${b}ffn_norm.weight`),
        w1: linear(ws, `${b}ffn_gate.weight`),
        w3: linear(ws, `${b}ffn_up.weight`),
        w2: linear(ws, `${b}ffn_down.weight`),
      });
    }),
    norm: vector(ws, 'output_norm.weight'),
    // Tied: the classifier shares the embedding's blocks (read once) and adds its packed copy.
    output: c.tiedEmbeddings ? packForInference(tokEmbd) : linear(ws, 'output.weight'),
  };
  const tokenizer = modelTokenizer(ws);
  const stopIds = [...new Set([...(ws.special.eos ?? []), ...(tokenizer?.stopIds ?? [])])];
  return { path, config: c, weights, decoder: new Decoder(c, weights), tokenizer, stopIds };
}

/** Loads a model as a float32 training model (fine-tuning an existing GGUF or HF checkpoint). */
export function loadTrainableModel(path: string): { model: Llama; tokenizer: Tokenizer | null } {
  const ws = loadWeightSet(path);
  const model = new Llama(ws.config);
  for (const spec of paramSpecs(ws.config)) model.params.get(spec.name).data.set(vector(ws, spec.name));
  return { model, tokenizer: modelTokenizer(ws) };
}

/**
 * Saves a trained model as GGUF (path ends in .gguf) or as an HF folder, with its tokenizer, in `type`
 * (f32 by default; quantized types for GGUF).
 */
export function saveTrainedModel(path: string, model: Llama, tokenizer: Tokenizer | null, opts: { type?: WeightType; name?: string; chatTemplate?: string; progress?: boolean } = {}): void {
  const tensors = new Map<string, WeightTensor>();
  for (const spec of paramSpecs(model.config)) {
    tensors.set(spec.name, f32Tensor([...spec.shape], model.params.get(spec.name).data));
  }
  const save: SaveModelOptions = { type: opts.type, name: opts.name ?? 'llamats', progress: opts.progress };
  if (tokenizer) {
    save.tokenizerMetadata = tokenizerToGgufMetadata(tokenizer, opts.chatTemplate ? { chatTemplate: opts.chatTemplate } : {});
    save.special = { bos: tokenizer.bos, eos: [tokenizer.eos, ...tokenizer.stopIds.filter((i) => i !== tokenizer.eos)] };
    const piece = (id: number) => tokenizer.idToPiece(id);
    save.tokenizerFiles = new Map([
      ['tokenizer.json', `${JSON.stringify(tokenizerToHfJson(tokenizer), null, 2)}\n`],
      ['tokenizer_config.json', pythonJson({
        add_bos_token: true, add_eos_token: false, bos_token: piece(tokenizer.bos), eos_token: piece(tokenizer.eos),
        clean_up_tokenization_spaces: false, model_max_length: model.config.maxSeqLen, tokenizer_class: 'PreTrainedTokenizerFast',
      })],
    ]);
  }
  saveModel(path, model.config, tensors, save);
}
