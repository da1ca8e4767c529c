// Incremental inference with a KV cache (llama2.c `forward` with a RunState, extended to prefill many tokens at
// once and to decode a batch of independent sequences in one pass). Keys are cached after RoPE, as Meta does
// (docs/llama-recipe.md §1), so a cached key never needs re-rotating. Nothing here records gradients.
import { kernels } from '../tensor/backend.js';
import { ShapeError } from '../util/errors.js';
import type { ModelConfig } from './config.js';
import { ropeFreqs } from './rope.js';
import { linearInto, rowInto, stackedOf, type InferenceWeights } from './weights.js';

/** Keys and values of one sequence for every layer: [maxSeqLen, nKvHeads, headDim] per layer. */
export class KVCache {
  readonly k: Float32Array[];
  readonly v: Float32Array[];
  /** Positions filled so far (the next token goes at position `length`). */
  length = 0;

  constructor(
    readonly config: ModelConfig,
    readonly maxSeqLen: number = config.maxSeqLen,
  ) {
    const n = maxSeqLen * config.nKvHeads * config.headDim;
    this.k = Array.from({ length: config.nLayers }, () => new Float32Array(n));
    this.v = Array.from({ length: config.nLayers }, () => new Float32Array(n));
  }

  /** Forget everything (keeps the memory). */
  reset(): void {
    this.length = 0;
  }

  /** Keep only the first n positions (e.g. to reuse a shared prompt prefix). */
  truncate(n: number): void {
    if (n < 0 || n > this.length) throw new ShapeError('KVCache.truncate', 'length', `0..${this.length}`, `${n}`);
    this.length = n;
  }

  /** Bytes held (keys + values, float32). */
  get bytes(): number {
    return 2 * this.k.length * this.k[0]!.byteLength;
  }
}

/**
 * Scratch buffers for one forward pass over R rows (tokens). Allocated once per size and reused. For one row,
 * q | k | v and gate | up are views of one buffer each, where the stacked products of a layer land (fuseProducts).
 */
class Scratch {
  readonly qkv: Float32Array;
  readonly gateUp: Float32Array;
  readonly x: Float32Array;
  readonly h: Float32Array;
  readonly q: Float32Array;
  readonly k: Float32Array;
  readonly v: Float32Array;
  readonly att: Float32Array;
  readonly gate: Float32Array;
  readonly up: Float32Array;
  readonly rstd: Float32Array;
  readonly tmp: Float32Array;
  constructor(c: ModelConfig, readonly rows: number) {
    const qd = c.nHeads * c.headDim;
    const kvd = c.nKvHeads * c.headDim;
    this.x = new Float32Array(rows * c.dim);
    this.h = new Float32Array(rows * c.dim);
    this.qkv = new Float32Array(rows * (qd + 2 * kvd));
    this.q = rows === 1 ? this.qkv.subarray(0, qd) : new Float32Array(rows * qd);
    this.k = rows === 1 ? this.qkv.subarray(qd, qd + kvd) : new Float32Array(rows * kvd);
    this.v = rows === 1 ? this.qkv.subarray(qd + kvd) : new Float32Array(rows * kvd);
    this.att = new Float32Array(rows * qd);
    this.gateUp = new Float32Array(rows * 2 * c.ffnDim);
    this.gate = rows === 1 ? this.gateUp.subarray(0, c.ffnDim) : new Float32Array(rows * c.ffnDim);
    this.up = rows === 1 ? this.gateUp.subarray(c.ffnDim) : new Float32Array(rows * c.ffnDim);
    this.rstd = new Float32Array(rows);
    this.tmp = new Float32Array(rows * c.dim);
  }
}

export class Decoder {
  readonly freqs: Float32Array;
  private scratch = new Map<number, Scratch>();

  constructor(
    readonly config: ModelConfig,
    readonly weights: InferenceWeights,
  ) {
    this.freqs = ropeFreqs(config);
  }

  private scratchFor(rows: number): Scratch {
    let s = this.scratch.get(rows);
    if (!s) {
      if (this.scratch.size > 8) this.scratch.clear();
      s = new Scratch(this.config, rows);
      this.scratch.set(rows, s);
    }
    return s;
  }

  /**
   * Runs `tokens` of ONE sequence at positions cache.length … (prefill when several, decode when one),
   * appends their keys/values to the cache and returns the logits [vocab] of the last token, or of every
   * token ([T, vocab]) when allLogits is set. With `out` the logits are written there (a view of its start is
   * returned) instead of a fresh array: a decode loop that reuses one buffer spares the garbage collector a
   * vocab-sized array per token (10–15% of a small model's decode step).
   */
  forward(tokens: ArrayLike<number>, cache: KVCache, allLogits = false, out?: Float32Array): Float32Array {
    const T = tokens.length;
    if (T === 0) throw new ShapeError('Decoder.forward', 'tokens', 'at least one token', '0');
    if (cache.length + T > cache.maxSeqLen) {
      throw new ShapeError('Decoder.forward', 'sequence length', `≤ ${cache.maxSeqLen} (the context window)`, `${cache.length + T}`);
    }
    this.checkOut('Decoder.forward', out, allLogits ? T : 1);
    const positions = new Int32Array(T);
    for (let t = 0; t < T; t++) positions[t] = cache.length + t;
    const s = this.run(tokens, [cache], positions, (b) => ({ seq: 0, t0: 0, T: b === 0 ? T : 0 }));
    cache.length += T;
    return this.head(s, allLogits ? 0 : T - 1, T, out);
  }

  /**
   * One decoding step for B independent sequences: tokens[b] is appended to caches[b] at that cache's own
   * position. All B tokens share each weight-matrix pass (one matmul with M = B). Returns logits [B, vocab]
   * (written into `out` when given, as in forward).
   */
  forwardBatch(tokens: ArrayLike<number>, caches: KVCache[], out?: Float32Array): Float32Array {
    const B = tokens.length;
    if (caches.length !== B) throw new ShapeError('Decoder.forwardBatch', 'caches', `${B} (one per token)`, `${caches.length}`);
    this.checkOut('Decoder.forwardBatch', out, B);
    const positions = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      if (caches[b]!.length + 1 > caches[b]!.maxSeqLen) throw new ShapeError('Decoder.forwardBatch', `sequence ${b} length`, `≤ ${caches[b]!.maxSeqLen}`, `${caches[b]!.length + 1}`);
      positions[b] = caches[b]!.length;
    }
    const s = this.run(tokens, caches, positions, (b) => ({ seq: b, t0: b, T: 1 }));
    for (const c of caches) c.length += 1;
    return this.head(s, 0, B, out);
  }

  /**
   * The transformer over R rows. `rowsOf(b)` says which rows belong to cache b: rows t0 … t0+T−1, which go to
   * positions positions[t0…] of that sequence.
   */
  private run(tokens: ArrayLike<number>, caches: KVCache[], positions: Int32Array, rowsOf: (b: number) => { seq: number; t0: number; T: number }): Scratch {
    const c = this.config;
    const w = this.weights;
    const k = kernels();
    const R = tokens.length;
    const s = this.scratchFor(R);
    const qd = c.nHeads * c.headDim;
    const kvd = c.nKvHeads * c.headDim;
    for (let r = 0; r < R; r++) rowInto(s.x.subarray(r * c.dim, (r + 1) * c.dim), w.tokEmbd, tokens[r]!);
    for (let l = 0; l < c.nLayers; l++) {
      const L = w.layers[l]!;
      // Attention: q, k, v for all rows in one matmul each, RoPE, append k/v to each sequence's cache.
      k.rmsnormForward(s.h, s.rstd, s.x, L.attnNorm, { N: R, C: c.dim, eps: c.normEps });
      const qkv = R === 1 ? stackedOf(L.qkv, L.wq, L.wk, L.wv) : null;
      if (qkv) {
        linearInto(s.qkv, s.h, qkv, 1); // q | k | v in one product (views of s.qkv)
      } else {
        linearInto(s.q, s.h, L.wq, R);
        linearInto(s.k, s.h, L.wk, R);
        linearInto(s.v, s.h, L.wv, R);
      }
      k.ropeForward(s.q, s.q, positions, this.freqs, { N: R, nHeads: c.nHeads, headDim: c.headDim, layout: 'pairs' });
      k.ropeForward(s.k, s.k, positions, this.freqs, { N: R, nHeads: c.nKvHeads, headDim: c.headDim, layout: 'pairs' });
      for (let b = 0; b < caches.length; b++) {
        const { t0, T } = rowsOf(b);
        if (T === 0) continue;
        const cache = caches[b]!;
        const pos0 = positions[t0]!;
        cache.k[l]!.set(s.k.subarray(t0 * kvd, (t0 + T) * kvd), pos0 * kvd);
        cache.v[l]!.set(s.v.subarray(t0 * kvd, (t0 + T) * kvd), pos0 * kvd);
        const S = pos0 + T;
        k.attentionForward(s.att.subarray(t0 * qd, (t0 + T) * qd), null, s.q.subarray(t0 * qd, (t0 + T) * qd), cache.k[l]!, cache.v[l]!, null, {
          B: 1, T, S, H: c.nHeads, KVH: c.nKvHeads, headDim: c.headDim, scale: 1 / Math.sqrt(c.headDim),
        });
      }
      linearInto(s.tmp, s.att, L.wo, R);
      k.add(s.x, s.x, s.tmp, R * c.dim);
      // Feed-forward (SwiGLU).
      k.rmsnormForward(s.h, s.rstd, s.x, L.ffnNorm, { N: R, C: c.dim, eps: c.normEps });
      const w13 = R === 1 ? stackedOf(L.w13, L.w1, L.w3) : null;
      if (w13) {
        linearInto(s.gateUp, s.h, w13, 1);
      } else {
        linearInto(s.gate, s.h, L.w1, R);
        linearInto(s.up, s.h, L.w3, R);
      }
      k.swigluForward(s.gate, s.gate, s.up, R * c.ffnDim);
      linearInto(s.tmp, s.gate, L.w2, R);
      k.add(s.x, s.x, s.tmp, R * c.dim);
    }
    return s;
  }

  /** Checked before anything runs, so a bad buffer leaves the caches as they were. */
  private checkOut(where: string, out: Float32Array | undefined, rows: number): void {
    const n = rows * this.config.vocabSize;
    if (out && out.length < n) throw new ShapeError(where, 'out (logits buffer) length', `≥ ${n} (${rows} × vocab)`, `${out.length}`);
  }

  /** Final norm and output projection for rows [from, to) → logits [(to − from), vocab] (in `out`, else a fresh array). */
  private head(s: Scratch, from: number, to: number, out?: Float32Array): Float32Array {
    const c = this.config;
    const n = to - from;
    const x = s.x.subarray(from * c.dim, to * c.dim);
    const h = s.h.subarray(0, n * c.dim);
    kernels().rmsnormForward(h, s.rstd, x, this.weights.norm, { N: n, C: c.dim, eps: c.normEps });
    const logits = out ? out.subarray(0, n * c.vocabSize) : new Float32Array(n * c.vocabSize);
    linearInto(logits, h, this.weights.output, n);
    return logits;
  }
}
