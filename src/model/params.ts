// Parameter layout of a Llama model: one table of named tensors with shapes (llm.c `fill_in_parameter_sizes`),
// in the order they are stored in one flat buffer. Names are GGUF's (blk.N.attn_q …); io/ maps them to HF names.
import type { ModelConfig } from './config.js';

export type ParamKind = 'embedding' | 'norm' | 'linear';

export interface ParamSpec {
  name: string;
  /** Row-major shape; linear weights are [out, in] as in PyTorch / GGUF (ne[0] = in). */
  shape: number[];
  kind: ParamKind;
}

export function paramSpecs(c: ModelConfig): ParamSpec[] {
  const q = c.nHeads * c.headDim;
  const kv = c.nKvHeads * c.headDim;
  const specs: ParamSpec[] = [{ name: 'token_embd.weight', shape: [c.vocabSize, c.dim], kind: 'embedding' }];
  for (let l = 0; l < c.nLayers; l++) {
    const p = `blk.${l}.`;
    specs.push(
      { name: `${p}attn_norm.weight`, shape: [c.dim], kind: 'norm' },
      { name: `${p}attn_q.weight`, shape: [q, c.dim], kind: 'linear' },
      { name: `${p}attn_k.weight`, shape: [kv, c.dim], kind: 'linear' },
      { name: `${p}attn_v.weight`, shape: [kv, c.dim], kind: 'linear' },
      { name: `${p}attn_output.weight`, shape: [c.dim, q], kind: 'linear' },
      { name: `${p}ffn_norm.weight`, shape: [c.dim], kind: 'norm' },
      { name: `${p}ffn_gate.weight`, shape: [c.ffnDim, c.dim], kind: 'linear' },
      { name: `${p}ffn_up.weight`, shape: [c.ffnDim, c.dim], kind: 'linear' },
      { name: `${p}ffn_down.weight`, shape: [c.dim, c.ffnDim], kind: 'linear' },
    );
  }
  specs.push({ name: 'output_norm.weight', shape: [c.dim], kind: 'norm' });
  if (!c.tiedEmbeddings) specs.push({ name: 'output.weight', shape: [c.vocabSize, c.dim], kind: 'linear' });
  return specs;
}

export const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Exact parameter count (a bigint-safe sum: 405B fits in a double exactly, but we stay in integers). */
export function countParams(c: ModelConfig): number {
  return paramSpecs(c).reduce((n, s) => n + numel(s.shape), 0);
}
