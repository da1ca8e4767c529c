// A KV cache that remembers which token ids it holds, so a new prompt that extends an old one (the next turn
// of a chat, re-rendered in full as recipe §14 says) only runs its new tokens: prefix matching. It also copies
// itself, so K samples of one prompt run the prompt once (rejection sampling, PPO, OpenAI `n`).
import type { ModelConfig } from '../model/config.js';
import { KVCache, type Decoder } from '../model/inference.js';
import { ShapeError } from '../util/errors.js';

export class PromptCache {
  readonly cache: KVCache;
  /** The ids whose keys and values the cache holds, position by position. */
  readonly tokens: number[] = [];

  /** capacity: positions this cache can hold (the context it serves; ≤ the model's maxSeqLen). */
  constructor(readonly config: ModelConfig, readonly capacity: number) {
    this.cache = new KVCache(config, capacity);
  }

  /** How many leading tokens of `prompt` are already here — at most prompt.length − 1, so the last one runs. */
  reusable(prompt: readonly number[]): number {
    const n = Math.min(this.tokens.length, prompt.length - 1);
    let i = 0;
    while (i < n && this.tokens[i] === prompt[i]) i++;
    return i;
  }

  /**
   * Makes the cache hold `prompt`, reusing the shared prefix, running at most `chunk` new tokens. Returns the
   * logits of the prompt's last token once the whole prompt is in, else null (call again to continue).
   */
  prefillStep(decoder: Decoder, prompt: readonly number[], chunk = Infinity): Float32Array | null {
    if (prompt.length === 0) throw new ShapeError('PromptCache.prefill', 'prompt', 'at least one token', '0');
    if (prompt.length > this.capacity) throw new ShapeError('PromptCache.prefill', 'prompt length', `≤ ${this.capacity} (the context window)`, `${prompt.length}`);
    const keep = this.reusable(prompt);
    if (keep < this.tokens.length) {
      this.cache.truncate(keep);
      this.tokens.length = keep;
    }
    const end = Math.min(prompt.length, keep + chunk);
    const fresh = prompt.slice(keep, end);
    const logits = decoder.forward(fresh, this.cache);
    this.tokens.push(...fresh);
    return end === prompt.length ? logits : null;
  }

  /** prefillStep until the whole prompt is in; the logits of its last token. */
  prefill(decoder: Decoder, prompt: readonly number[], chunk = 512): Float32Array {
    for (;;) {
      const logits = this.prefillStep(decoder, prompt, chunk);
      if (logits) return logits;
    }
  }

  /** Runs one token; its logits [vocab] (in `out` when given: see Decoder.forward). */
  append(decoder: Decoder, token: number, out?: Float32Array): Float32Array {
    const logits = decoder.forward([token], this.cache, false, out);
    this.tokens.push(token);
    return logits;
  }

  /** Records that forwardBatch appended `token` to this cache. */
  appended(token: number): void {
    this.tokens.push(token);
  }

  /** Becomes a copy of other's first n positions (keys and values of every layer). */
  copyFrom(other: PromptCache, n = other.tokens.length): void {
    if (n > this.capacity) throw new ShapeError('PromptCache.copyFrom', 'positions', `≤ ${this.capacity}`, `${n}`);
    const per = this.config.nKvHeads * this.config.headDim * n;
    for (let l = 0; l < this.config.nLayers; l++) {
      this.cache.k[l]!.set(other.cache.k[l]!.subarray(0, per));
      this.cache.v[l]!.set(other.cache.v[l]!.subarray(0, per));
    }
    this.cache.length = n;
    this.tokens.length = 0;
    this.tokens.push(...other.tokens.slice(0, n));
  }

  get free(): number {
    return this.capacity - this.tokens.length;
  }
}
