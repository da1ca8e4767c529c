// Tensor names in the three layouts (recipe §2 table; llama.cpp gguf-py `TENSOR_NAMES` and `tensor_mapping.py`;
// HF `convert_llama_weights_to_hf.py`). llamats names its parameters like GGUF (src/model/params.ts); this table
// maps them to and from Hugging Face `LlamaForCausalLM` state-dict names.
import { FileFormatError } from '../util/errors.js';

// {bid} is the block (layer) index, as in gguf-py.
const TABLE: [gguf: string, hf: string][] = [
  ['token_embd', 'model.embed_tokens'],
  ['blk.{bid}.attn_norm', 'model.layers.{bid}.input_layernorm'],
  ['blk.{bid}.attn_q', 'model.layers.{bid}.self_attn.q_proj'],
  ['blk.{bid}.attn_k', 'model.layers.{bid}.self_attn.k_proj'],
  ['blk.{bid}.attn_v', 'model.layers.{bid}.self_attn.v_proj'],
  ['blk.{bid}.attn_output', 'model.layers.{bid}.self_attn.o_proj'],
  ['blk.{bid}.ffn_norm', 'model.layers.{bid}.post_attention_layernorm'],
  ['blk.{bid}.ffn_gate', 'model.layers.{bid}.mlp.gate_proj'],
  ['blk.{bid}.ffn_up', 'model.layers.{bid}.mlp.up_proj'],
  ['blk.{bid}.ffn_down', 'model.layers.{bid}.mlp.down_proj'],
  ['output_norm', 'model.norm'],
  ['output', 'lm_head'],
];

const toRegex = (tpl: string) => new RegExp(`^${tpl.replace(/\./g, '\\.').replace('{bid}', '(\\d+)')}\\.weight$`);
const GGUF_TO_HF = TABLE.map(([g, h]) => ({ from: toRegex(g), to: h }));
const HF_TO_GGUF = TABLE.map(([g, h]) => ({ from: toRegex(h), to: g }));

function map(name: string, rules: { from: RegExp; to: string }[]): string | undefined {
  for (const r of rules) {
    const m = r.from.exec(name);
    if (m) return `${r.to.replace('{bid}', m[1] ?? '')}.weight`;
  }
  return undefined;
}

export function hfName(ggufName: string): string {
  const n = map(ggufName, GGUF_TO_HF);
  if (n === undefined) throw new FileFormatError('(tensor names)', ggufName, 'a Llama tensor name with a Hugging Face equivalent');
  return n;
}

/** The GGUF name of a HF tensor, or undefined for one that is not a Llama weight. */
export function ggufNameOfHf(hfTensorName: string): string | undefined {
  return map(hfTensorName, HF_TO_GGUF);
}

/** GGUF-only tensor: Llama 3.1 RoPE frequency divisors (recipe §1; lcpp #8676). */
export const ROPE_FREQS = 'rope_freqs.weight';

/** Buffers some HF checkpoints carry that are recomputed at load, never weights (transformers < 4.31). */
export const isHfBuffer = (name: string): boolean => name.endsWith('.rotary_emb.inv_freq');

/** Which projection a GGUF name is, for the Q/K permutation (`blk.N.attn_q.weight` → 'q'). */
export function qkKind(ggufName: string): 'q' | 'k' | undefined {
  if (/^blk\.\d+\.attn_q\.weight$/.test(ggufName)) return 'q';
  if (/^blk\.\d+\.attn_k\.weight$/.test(ggufName)) return 'k';
  return undefined;
}
