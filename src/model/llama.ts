// The Llama transformer for training and scoring whole sequences, written as the paper reads
// (Touvron et al. 2023 §2.2; docs/llama-recipe.md §1):
//   h   = x + Wo·Attn(RoPE(Wq·n1(x)), RoPE(Wk·n1(x)), Wv·n1(x))     n1 = attention_norm (RMSNorm)
//   out = h + W2·(silu(W1·n2(h)) ⊙ W3·n2(h))                         n2 = ffn_norm (SwiGLU FFN)
//   logits = Wout·norm(h_L)                                          Wout = token_embd when tied
// Every op records itself on the autograd tape, so backward through the whole model is `backward(loss)`.
// Incremental decoding with a KV cache lives in inference.ts.
import * as T from '../tensor/index.js';
import type { Tensor } from '../tensor/index.js';
import { ShapeError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { validateModelConfig, type ModelConfig } from './config.js';
import { paramSpecs } from './params.js';
import { ropeFreqs } from './rope.js';

export interface LayerWeights {
  attnNorm: Tensor; // [dim]
  wq: Tensor; // [nHeads·headDim, dim]
  wk: Tensor; // [nKvHeads·headDim, dim]
  wv: Tensor; // [nKvHeads·headDim, dim]
  wo: Tensor; // [dim, nHeads·headDim]
  ffnNorm: Tensor; // [dim]
  w1: Tensor; // gate [ffnDim, dim]
  w3: Tensor; // up   [ffnDim, dim]
  w2: Tensor; // down [dim, ffnDim]
}

/** Where each token sits: its position for RoPE and, for packed sequences, its document id. */
export interface SequenceLayout {
  /** Absolute RoPE position per token [B·T]; default 0..T−1 for every sequence. */
  positions?: Int32Array;
  /** Document id per token [B·T] (Llama 3 §3.2 document masking); default: one document per sequence. */
  segIds?: Int32Array;
}

export class Llama {
  readonly layers: LayerWeights[];
  readonly tokEmbeddings: Tensor;
  readonly norm: Tensor;
  readonly output: Tensor;
  /** RoPE inverse frequencies (with Llama 3.1 scaling when configured). */
  readonly freqs: Float32Array;

  constructor(
    readonly config: ModelConfig,
    readonly params: T.ParameterSet = new T.ParameterSet(paramSpecs(validateModelConfig(config))),
  ) {
    const p = (name: string) => params.get(name);
    this.tokEmbeddings = p('token_embd.weight');
    this.norm = p('output_norm.weight');
    this.output = config.tiedEmbeddings ? this.tokEmbeddings : p('output.weight');
    this.layers = [];
    for (let l = 0; l < config.nLayers; l++) {
      const b = `blk.${l}.`;
      this.layers.push({
        attnNorm: p(`${b}attn_norm.weight`),
        wq: p(`${b}attn_q.weight`),
        wk: p(`${b}attn_k.weight`),
        wv: p(`${b}attn_v.weight`),
        wo: p(`${b}attn_output.weight`),
        ffnNorm: p(`${b}ffn_norm.weight`),
        w1: p(`${b}ffn_gate.weight`),
        w3: p(`${b}ffn_up.weight`),
        w2: p(`${b}ffn_down.weight`),
      });
    }
    this.freqs = ropeFreqs(config);
  }

  /**
   * Final normalised hidden states [B, T, dim] for token ids [B, T] — the trunk shared by the language-model
   * head, the reward-model head and the PPO value head.
   */
  hidden(tokens: Int32Array, B: number, Tlen: number, layout: SequenceLayout = {}): Tensor {
    const c = this.config;
    if (tokens.length !== B * Tlen) throw new ShapeError('Llama.hidden', 'tokens', `${B}×${Tlen} = ${B * Tlen}`, `${tokens.length}`);
    const positions = layout.positions ?? defaultPositions(B, Tlen);
    if (positions.length !== B * Tlen) throw new ShapeError('Llama.hidden', 'positions', `${B * Tlen}`, `${positions.length}`);
    let x = T.embedding(this.tokEmbeddings, tokens, [B, Tlen]);
    for (const w of this.layers) {
      // Attention block.
      const h = T.rmsnorm(x, w.attnNorm, c.normEps);
      const q = T.rope(T.reshape(T.linear(h, w.wq), [B, Tlen, c.nHeads, c.headDim]), positions, this.freqs);
      const k = T.rope(T.reshape(T.linear(h, w.wk), [B, Tlen, c.nKvHeads, c.headDim]), positions, this.freqs);
      const v = T.reshape(T.linear(h, w.wv), [B, Tlen, c.nKvHeads, c.headDim]);
      const a = T.attention(q, k, v, { segIds: layout.segIds ?? null });
      x = T.add(x, T.linear(T.reshape(a, [B, Tlen, c.nHeads * c.headDim]), w.wo));
      // Feed-forward block (SwiGLU).
      const f = T.rmsnorm(x, w.ffnNorm, c.normEps);
      x = T.add(x, T.linear(T.swiglu(T.linear(f, w.w1), T.linear(f, w.w3)), w.w2));
    }
    return T.rmsnorm(x, this.norm, c.normEps);
  }

  /** Language-model logits [B, T, vocab] from hidden states. */
  logits(hidden: Tensor): Tensor {
    return T.linear(hidden, this.output);
  }

  /** Per-token cross-entropy [B, T] of predicting `targets` (IGNORE_INDEX = no loss) from `tokens`. */
  tokenLosses(tokens: Int32Array, targets: Int32Array, B: number, Tlen: number, layout: SequenceLayout = {}): Tensor {
    return T.crossEntropy(this.logits(this.hidden(tokens, B, Tlen, layout)), targets);
  }
}

export function defaultPositions(B: number, Tlen: number): Int32Array {
  const p = new Int32Array(B * Tlen);
  for (let b = 0; b < B; b++) for (let t = 0; t < Tlen; t++) p[b * Tlen + t] = t;
  return p;
}

/**
 * Initialisation (documented common practice): every linear and embedding weight ~ N(0, 0.02²) as in HF
 * LlamaPreTrainedModel (`initializer_range` 0.02, docs/llama-recipe.md §1), RMSNorm weights 1, and the two
 * projections that write into the residual stream (wo, w2) scaled by 1/sqrt(2·nLayers) as in GPT-2 §2.3 and
 * nanoGPT, which keeps the residual variance from growing with depth. Seeded: the same seed gives the same model.
 */
export function initLlama(config: ModelConfig, seed: number): Llama {
  const model = new Llama(config);
  const rng = new Rng(seed);
  const std = 0.02;
  const residualStd = std / Math.sqrt(2 * config.nLayers);
  for (const spec of paramSpecs(config)) {
    const t = model.params.get(spec.name);
    if (spec.kind === 'norm') {
      t.data.fill(1);
      continue;
    }
    const s = /attn_output|ffn_down/.test(spec.name) ? residualStd : std;
    for (let i = 0; i < t.data.length; i++) t.data[i] = rng.normal() * s;
  }
  return model;
}
