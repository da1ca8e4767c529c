// Hugging Face `config.json` (transformers `LlamaConfig`) and `generation_config.json` ↔ ModelConfig
// (recipe §2). Writing produces the key set of the newest published Llama configs (Llama-3.2-1B, transformers
// 4.45) with keys sorted as `PretrainedConfig.to_json_string` sorts them; reading accepts every published
// Llama 2 / 3 / 3.1 / 3.2 config and refuses features llamats does not implement, naming the key.
import { validateModelConfig, type ModelConfig } from '../../model/config.js';
import { ConfigError, FileFormatError } from '../../util/errors.js';
import { TORCH_DTYPE, type FloatDtype } from '../safetensors/dtypes.js';
import type { SpecialTokens } from '../weights.js';

/** The oldest transformers release whose LlamaConfig knows every key written here (head_dim: 4.45). */
export const TRANSFORMERS_VERSION = '4.45.0';

export function hfConfigJson(c: ModelConfig, dtype: FloatDtype, special: SpecialTokens): Record<string, unknown> {
  const config: Record<string, unknown> = {
    architectures: ['LlamaForCausalLM'],
    attention_bias: false,
    attention_dropout: 0.0,
    bos_token_id: special.bos ?? null,
    eos_token_id: special.eos?.[0] ?? null,
    head_dim: c.headDim,
    hidden_act: 'silu',
    hidden_size: c.dim,
    initializer_range: 0.02, // Llama recipe §1: normal(0, 0.02)
    intermediate_size: c.ffnDim,
    max_position_embeddings: c.maxSeqLen,
    mlp_bias: false,
    model_type: 'llama',
    num_attention_heads: c.nHeads,
    num_hidden_layers: c.nLayers,
    num_key_value_heads: c.nKvHeads,
    pretraining_tp: 1,
    rms_norm_eps: c.normEps,
    rope_scaling: c.ropeScaling && {
      factor: c.ropeScaling.factor,
      high_freq_factor: c.ropeScaling.highFreqFactor,
      low_freq_factor: c.ropeScaling.lowFreqFactor,
      original_max_position_embeddings: c.ropeScaling.originalMaxPositions,
      rope_type: 'llama3',
    },
    rope_theta: c.ropeTheta,
    tie_word_embeddings: c.tiedEmbeddings,
    torch_dtype: TORCH_DTYPE[dtype],
    transformers_version: TRANSFORMERS_VERSION,
    use_cache: true,
    vocab_size: c.vocabSize,
  };
  return config;
}

export function generationConfigJson(special: SpecialTokens): Record<string, unknown> {
  const eos = special.eos ?? [];
  return {
    bos_token_id: special.bos ?? null,
    do_sample: true,
    eos_token_id: eos.length === 1 ? eos[0] : eos, // Llama 3 lists every stop id, e.g. [128001, 128009]
    temperature: 0.6, // recipe §3: default sampling T 0.6, top-p 0.9 (Meta examples, HF generation_config)
    top_p: 0.9,
    transformers_version: TRANSFORMERS_VERSION,
  };
}

// --- reading ---

type Json = Record<string, unknown>;

function int(file: string, j: Json, key: string, fallback?: number): number {
  const v = j[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) throw new FileFormatError(file, key, 'a positive integer', JSON.stringify(v));
  return v;
}

function num(file: string, j: Json, key: string, fallback: number): number {
  const v = j[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new FileFormatError(file, key, 'a number', JSON.stringify(v));
  return v;
}

function tokenIds(file: string, v: unknown, key: string): number[] {
  const list = v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
  if (!list.every((x) => Number.isSafeInteger(x) && x >= 0)) throw new FileFormatError(file, key, 'a token id or a list of them', JSON.stringify(v));
  return list as number[];
}

export function modelConfigFromHf(file: string, json: unknown): { config: ModelConfig; special: SpecialTokens } {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new FileFormatError(file, 'config', 'a JSON object', typeof json);
  const j = json as Json;
  const archs = j.architectures;
  if (j.model_type !== 'llama' && !(Array.isArray(archs) && archs.includes('LlamaForCausalLM'))) {
    throw new FileFormatError(file, 'model_type', '"llama" (LlamaForCausalLM)', JSON.stringify(j.model_type));
  }
  for (const key of ['attention_bias', 'mlp_bias'] as const) if (j[key] === true) throw new FileFormatError(file, key, 'false (Llama has no biases)', 'true');
  if (j.hidden_act !== undefined && j.hidden_act !== 'silu') throw new FileFormatError(file, 'hidden_act', '"silu" (SwiGLU)', JSON.stringify(j.hidden_act));
  const dim = int(file, j, 'hidden_size');
  const nHeads = int(file, j, 'num_attention_heads');
  const config: ModelConfig = {
    dim,
    nLayers: int(file, j, 'num_hidden_layers'),
    nHeads,
    nKvHeads: int(file, j, 'num_key_value_heads', nHeads),
    headDim: int(file, j, 'head_dim', dim / nHeads),
    ffnDim: int(file, j, 'intermediate_size'),
    vocabSize: int(file, j, 'vocab_size'),
    normEps: num(file, j, 'rms_norm_eps', 1e-6), // LlamaConfig's default
    ropeTheta: num(file, j, 'rope_theta', 10000),
    ropeScaling: ropeScaling(file, j.rope_scaling),
    maxSeqLen: int(file, j, 'max_position_embeddings', 2048),
    tiedEmbeddings: j.tie_word_embeddings === true,
  };
  try {
    validateModelConfig(config, file);
  } catch (e) {
    if (e instanceof ConfigError) throw new FileFormatError(file, e.field, e.expected, e.got);
    throw e;
  }
  return { config, special: specialTokensFromHf(file, j) };
}

/** bos_token_id / eos_token_id (a number, a list, or null) of config.json or generation_config.json. */
export function specialTokensFromHf(file: string, json: unknown): SpecialTokens {
  const j = (typeof json === 'object' && json !== null ? json : {}) as Json;
  const eos = tokenIds(file, j.eos_token_id, 'eos_token_id');
  const bos = tokenIds(file, j.bos_token_id, 'bos_token_id');
  const special: SpecialTokens = {};
  if (bos.length > 0) special.bos = bos[0]!;
  if (eos.length > 0) special.eos = eos;
  return special;
}

function ropeScaling(file: string, v: unknown): ModelConfig['ropeScaling'] {
  if (v === undefined || v === null) return null;
  const s = v as Json;
  const type = s.rope_type ?? s.type;
  if (type === 'default') return null;
  if (type !== 'llama3') throw new FileFormatError(file, 'rope_scaling.rope_type', '"llama3" (the only scaling llamats implements)', JSON.stringify(type));
  return {
    factor: num(file, s, 'factor', NaN),
    lowFreqFactor: num(file, s, 'low_freq_factor', NaN),
    highFreqFactor: num(file, s, 'high_freq_factor', NaN),
    originalMaxPositions: int(file, s, 'original_max_position_embeddings'),
  };
}
