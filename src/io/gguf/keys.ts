// The GGUF metadata keys llamats reads and writes for `general.architecture = "llama"`, as templates like
// llama.cpp gguf-py constants.py `Keys.General/LLM/Attention/Rope` (recipe §2). One table; code never spells
// a key inline.

export const GENERAL = {
  architecture: 'general.architecture',
  name: 'general.name',
  alignment: 'general.alignment',
  fileType: 'general.file_type',
  quantizationVersion: 'general.quantization_version',
} as const;

const LLM_TEMPLATES = {
  vocabSize: '{arch}.vocab_size',
  contextLength: '{arch}.context_length',
  embeddingLength: '{arch}.embedding_length',
  blockCount: '{arch}.block_count',
  feedForwardLength: '{arch}.feed_forward_length',
  headCount: '{arch}.attention.head_count',
  headCountKv: '{arch}.attention.head_count_kv',
  keyLength: '{arch}.attention.key_length',
  valueLength: '{arch}.attention.value_length',
  layerNormRmsEps: '{arch}.attention.layer_norm_rms_epsilon',
  ropeDimensionCount: '{arch}.rope.dimension_count',
  ropeFreqBase: '{arch}.rope.freq_base',
  ropeScalingType: '{arch}.rope.scaling.type',
} as const;

export type LlmKey = keyof typeof LLM_TEMPLATES;

export const ARCH = 'llama';

/** The llama.* key for `k` (`llmKey('headCountKv')` = "llama.attention.head_count_kv"). */
export const llmKey = (k: LlmKey, arch = ARCH): string => LLM_TEMPLATES[k].replace('{arch}', arch);

/** llama.cpp `llama_ftype` of a file whose weights are mostly of one type (gguf-py `LlamaFileType`). */
export const FILE_TYPE: Record<string, number> = { F32: 0, F16: 1, Q4_0: 2, Q8_0: 7, Q4_K: 15 /* Q4_K_M */, Q6_K: 18, BF16: 32 };

/** gguf-py GGML_QUANT_VERSION: the block layouts of ggml-common.h as of 2023. */
export const QUANTIZATION_VERSION = 2;

export const TOKENIZER_PREFIX = 'tokenizer.';
