// The kernel contract: every numerical primitive llamats needs, on flat row-major Float32Arrays with explicit
// dimensions. Two implementations follow it exactly: the native addon (native/, C++ with AVX-512/AVX2/scalar
// paths chosen at run time) and the pure-TypeScript reference (src/tensor/ref/, float64 accumulation), which is
// the oracle in tests and the fallback when the addon cannot be built.
//
// Conventions (llm.c style): outputs first, then inputs, then a dims object. Forward kernels may fill a cache
// (rstd, lse) that the backward kernel reads. Backward kernels write input gradients; where a gradient is marked
// "+=" the kernel ADDS into it (parameter gradients accumulate across calls and micro-batches).
// Kernels never allocate result arrays and never keep references after returning.
// Determinism: results must not depend on the number of threads (no racy reductions): 1 vs N threads give
// bit-identical outputs.

export type F32 = Float32Array;
export type I32 = Int32Array;

export interface MatmulDims {
  /** op(A) is M×K, op(B) is K×N, C is M×N. */
  M: number;
  K: number;
  N: number;
  /** A is stored [K, M] (so op(A) = Aᵀ) instead of [M, K]. */
  transA: boolean;
  /** B is stored [N, K] (so op(B) = Bᵀ) instead of [K, N]. The common case y = x·Wᵀ for W [out, in]. */
  transB: boolean;
  /** C += op(A)·op(B) instead of C = op(A)·op(B). */
  accumulate: boolean;
  /** Number of independent products; default 1. Matrix b of the batch starts at b·stride (elements). */
  batch?: number;
  /** Batch strides in elements (default: the dense matrix size; 0 broadcasts one matrix to all). */
  strideA?: number;
  strideB?: number;
  strideC?: number;
}

export type RopeLayout = 'pairs' | 'half';

export interface RopeDims {
  /** Number of token rows (B·T). */
  N: number;
  /** Heads per row; row n holds nHeads·headDim values. */
  nHeads: number;
  headDim: number;
  /**
   * 'pairs' rotates (2i, 2i+1) — Meta and GGUF order, llama.cpp's LLAMA rope.
   * 'half' rotates (i, i + headDim/2) — Hugging Face `rotate_half` order.
   */
  layout: RopeLayout;
}

export interface AttentionDims {
  /** Batch size. */
  B: number;
  /** Query positions per sequence. Queries sit at absolute positions pastLen .. pastLen+T-1. */
  T: number;
  /** Key/value positions per sequence that exist (= pastLen + T); keys sit at 0 .. S-1. */
  S: number;
  /** Query heads and key/value heads (grouped-query attention: query head h reads kv head ⌊h / (H/KVH)⌋). */
  H: number;
  KVH: number;
  headDim: number;
  /** Softmax scale, normally 1/sqrt(headDim). */
  scale: number;
  /**
   * Elements between consecutive sequences in k and v (default S·KVH·headDim). A KV cache allocated for Smax
   * positions passes Smax·KVH·headDim.
   */
  kvBatchStride?: number;
}

export interface AdamWHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** 1-based step number, for bias correction. */
  step: number;
}

export interface Kernels {
  /** e.g. 'native/avx512', 'native/avx2', 'native/scalar', 'ts' */
  readonly name: string;

  // ---- dense linear algebra ---------------------------------------------------------------------------
  /** C = op(A)·op(B) (or C += … when accumulate), batched; row-major, leading dimensions = row lengths. */
  matmul(c: F32, a: F32, b: F32, d: MatmulDims): void;

  // ---- elementwise ------------------------------------------------------------------------------------
  /** out[i] = a[i] + b[i] for i < n. out may alias a or b. */
  add(out: F32, a: F32, b: F32, n: number): void;
  /** out[i] = a[i] * b[i]. out may alias a or b. */
  mul(out: F32, a: F32, b: F32, n: number): void;
  /** out[i] = a[i] * s. out may alias a. */
  scale(out: F32, a: F32, s: number, n: number): void;
  /** y[i] += alpha * x[i]. */
  axpy(y: F32, alpha: number, x: F32, n: number): void;
  /** Σ x[i] in float64, in a fixed (thread-count independent) order. */
  sum(x: F32, n: number): number;
  /** Σ x[i]² in float64, in a fixed order (global-norm clipping). */
  sumSquares(x: F32, n: number): number;

  // ---- normalisation and activations --------------------------------------------------------------------
  /** Llama 2 §2.2 pre-norm: out[n,:] = w ⊙ x[n,:] / sqrt(mean(x[n,:]²) + eps); rstd[n] = that 1/sqrt(·). */
  rmsnormForward(out: F32, rstd: F32, x: F32, w: F32, d: { N: number; C: number; eps: number }): void;
  /** dx = (not +=) gradient wrt x; dw += gradient wrt w. */
  rmsnormBackward(dx: F32, dw: F32, dout: F32, x: F32, w: F32, rstd: F32, d: { N: number; C: number }): void;
  /** out = silu(gate) ⊙ up (SwiGLU, Shazeer 2020; Llama FFN). out may alias gate or up. */
  swigluForward(out: F32, gate: F32, up: F32, n: number): void;
  /** dgate, dup = (not +=) gradients. dgate may alias gate, dup may alias up. */
  swigluBackward(dgate: F32, dup: F32, dout: F32, gate: F32, up: F32, n: number): void;
  /** Row softmax over C columns: out[n,:] = softmax(x[n,:]). out may alias x. */
  softmaxForward(out: F32, x: F32, d: { N: number; C: number }): void;
  /** dx = out ⊙ (dout − Σ dout⊙out). dx may alias dout. */
  softmaxBackward(dx: F32, dout: F32, out: F32, d: { N: number; C: number }): void;

  // ---- positions ----------------------------------------------------------------------------------------
  /**
   * Rotary position embedding (Su et al. 2021). angle(n, i) = positions[n] · freqs[i], computed in float64,
   * for i < headDim/2; freqs are the (possibly Llama 3.1–scaled) inverse frequencies. out may alias x.
   */
  ropeForward(out: F32, x: F32, positions: I32, freqs: F32, d: RopeDims): void;
  /** The inverse rotation applied to dout. dx may alias dout. */
  ropeBackward(dx: F32, dout: F32, positions: I32, freqs: F32, d: RopeDims): void;

  // ---- attention ----------------------------------------------------------------------------------------
  /**
   * Fused causal grouped-query attention with optional document masking, computed with an online softmax
   * (FlashAttention-style): memory is O(T·headDim), never O(T·S).
   * q, out: [B, T, H, headDim]; k, v: [B, S, KVH, headDim] (batch stride kvBatchStride);
   * lse: [B, H, T] log-sum-exp of each query row's scaled scores (saved for backward; may be null).
   * segIds: null, or Int32Array [B, S] of document ids; query t (absolute position p = S−T+t) attends key s iff
   * s ≤ p and segIds[b, s] == segIds[b, p] (Llama 3 §3.2 document masking).
   */
  attentionForward(out: F32, lse: F32 | null, q: F32, k: F32, v: F32, segIds: I32 | null, d: AttentionDims): void;
  /** dq = (not +=); dk, dv = (not +=) gradients; dk, dv shaped like k, v (dense, batch stride S·KVH·headDim). */
  attentionBackward(dq: F32, dk: F32, dv: F32, dout: F32, q: F32, k: F32, v: F32, out: F32, lse: F32, segIds: I32 | null, d: AttentionDims): void;

  // ---- embeddings and losses ----------------------------------------------------------------------------
  /** out[n,:] = table[ids[n],:] for n < N; table rows have C values. */
  embeddingForward(out: F32, table: F32, ids: I32, d: { N: number; C: number }): void;
  /** dtable[ids[n],:] += dout[n,:], in increasing n (deterministic). */
  embeddingBackward(dtable: F32, dout: F32, ids: I32, d: { N: number; C: number }): void;
  /**
   * Cross-entropy per row without materialising probabilities: lse[n] = logsumexp(logits[n,:]),
   * losses[n] = lse[n] − logits[n, targets[n]]. Rows whose target equals ignoreIndex get loss 0 (lse still set).
   */
  crossEntropyForward(losses: F32, lse: F32, logits: F32, targets: I32, d: { N: number; V: number; ignoreIndex: number }): void;
  /**
   * dlogits[n,v] = dloss[n] · (exp(logits[n,v] − lse[n]) − [v == targets[n]]); rows with the ignore index get 0.
   * dlogits may alias logits (in-place, saves a B·T·V buffer).
   */
  crossEntropyBackward(dlogits: F32, logits: F32, lse: F32, targets: I32, dloss: F32, d: { N: number; V: number; ignoreIndex: number }): void;

  // ---- optimizer ----------------------------------------------------------------------------------------
  /**
   * One AdamW step (Loshchilov & Hutter 2019; decoupled weight decay) with bias correction, in place on
   * param, m, v: m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²; p -= lr·(m̂/(sqrt(v̂)+eps) + wd·p).
   */
  adamw(param: F32, grad: F32, m: F32, v: F32, n: number, h: AdamWHyper): void;

  // ---- weights in GGUF storage types (inference) ---------------------------------------------------------
  /**
   * out[M, N] = x[M, K] · Wᵀ where W is N rows of K values stored in a ggml type (F16 1, BF16 30, Q8_0 8,
   * Q4_0 2, Q4_K 12, Q6_K 14): each row is K / blockSize blocks, rows contiguous. Computed from the blocks
   * directly (activations quantized to 8 bits on the fly where the type's dot product calls for it, as
   * llama.cpp does), never by dequantizing the whole matrix. Added by the weight-format work.
   */
  matmulQuant?(out: F32, x: F32, w: Uint8Array, ggmlType: number, d: { M: number; K: number; N: number }): void;
  /** Dequantizes row `row` of a ggml-typed matrix with K columns into out[K]. */
  dequantizeRow?(out: F32, w: Uint8Array, ggmlType: number, row: number, K: number): void;
  /**
   * A copy of W (N rows of K values in ggmlType) in the backend's load-time layout for matmulQuantPacked (Q8_0
   * and Q4_0: 16 rows interleaved, native/kernels/qpack/qpack.h), or null where the backend gains nothing from it.
   */
  packQuant?(w: Uint8Array, ggmlType: number, N: number, K: number): Uint8Array | null;
  /** matmulQuant on weights from packQuant: the same product within float32 rounding of the block sums. */
  matmulQuantPacked?(out: F32, x: F32, packed: Uint8Array, ggmlType: number, d: { M: number; K: number; N: number }): void;
}
