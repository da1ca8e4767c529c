// Continuous batching: every sequence in flight advances by one token per step, all of them in ONE
// Decoder.forwardBatch (each weight matrix is read once for the whole batch, which is what makes K samples per
// prompt and many concurrent clients cheap). New work joins between steps: its prompt is prefilled in chunks
// (so a long prompt does not stall the streams already running), once for all n samples — the cache is then
// copied — and each sample draws its first token from the prompt's logits with its own seed (options.seed + i).
// The scheduler is synchronous; batch.ts drives it in a loop, engine.ts from the event loop.
import type { Decoder } from '../model/inference.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { ConfigError } from '../util/errors.js';
import { CachePool } from './cache-pool.js';
import type { GenerateOptions } from './options.js';
import type { PromptCache } from './prompt-cache.js';
import { Sequence, type TokenStep } from './sequence.js';

export interface SchedulerLimits {
  /** Sequences decoded together at most (requests with n samples count n). */
  maxBatch: number;
  /** Longest prompt + output, in tokens (≤ the model's maxSeqLen). */
  contextLength: number;
  /** Prompt tokens prefilled per step, between decoding steps of the running sequences. */
  prefillChunk: number;
  /** Bytes of KV cache all sequences together may hold (default: no limit). Work waits until it fits. */
  maxKvBytes?: number;
}

/** One prompt to sample n times. */
export interface Job {
  prompt: readonly number[];
  options: GenerateOptions;
  n: number;
  /** Every step of sample `index` (0 … n−1), as it happens. */
  onStep(index: number, step: TokenStep, seq: Sequence): void;
  /** Polled before each step; true drops the job and frees its caches (client gone, timeout). */
  cancelled?(): boolean;
  /** Compute log p(token) for every step even without topLogprobs (PPO, OpenAI logprobs). */
  logprobs?: boolean;
}

interface Slot {
  job: Job;
  index: number;
  seq: Sequence;
  cache: PromptCache;
  /** The last token chosen, to run next. */
  next: number;
}

export class Scheduler {
  readonly pool: CachePool;
  private waiting: Job[] = [];
  private prefilling: { job: Job; cache: PromptCache } | null = null;
  private active: Slot[] = [];
  private spareLogits: Float32Array | null = null;

  constructor(
    readonly decoder: Decoder,
    readonly tokenizer: Tokenizer,
    readonly limits: SchedulerLimits,
  ) {
    this.pool = new CachePool(decoder.config, limits.contextLength, limits.maxKvBytes ?? Infinity, Math.max(8, limits.maxBatch));
  }

  /** Queues a job; throws ConfigError when its prompt cannot fit the context window. */
  add(job: Job): void {
    const ctx = this.limits.contextLength;
    if (job.prompt.length === 0) throw new ConfigError('generate', 'prompt', 'at least one token', 'none');
    if (job.prompt.length >= ctx) {
      throw new ConfigError('generate', 'prompt', `fewer than ${ctx} tokens (the context window, with room to generate)`, `${job.prompt.length} tokens`);
    }
    if (!(job.n >= 1 && job.n <= this.limits.maxBatch)) throw new ConfigError('generate', 'n', `1 … ${this.limits.maxBatch}`, String(job.n));
    const need = job.n * this.pool.bytesFor(job.prompt.length + this.budget(job));
    if (need > this.pool.maxBytes) {
      throw new ConfigError('generate', 'max_tokens', `a request whose KV cache fits ${mib(this.pool.maxBytes)} (fewer tokens or samples)`, `${mib(need)} for ${job.n} × ${job.prompt.length + this.budget(job)} positions`);
    }
    this.waiting.push(job);
  }

  /** Sequences running plus sequences waiting to start. */
  get load(): { running: number; waiting: number } {
    const waiting = this.waiting.reduce((s, j) => s + j.n, 0) + (this.prefilling?.job.n ?? 0);
    return { running: this.active.length, waiting };
  }

  get idle(): boolean {
    return this.active.length === 0 && this.waiting.length === 0 && this.prefilling === null;
  }

  /** One scheduling step: drop cancelled work, prefill up to prefillChunk prompt tokens, decode one token of every running sequence. */
  step(): void {
    this.dropCancelled();
    this.prefillChunk();
    this.decode();
  }

  /** Stops everything now; caches go back to the pool. Returns the jobs that were dropped. */
  clear(): Job[] {
    const jobs = new Set<Job>([...this.waiting, ...this.active.map((s) => s.job)]);
    if (this.prefilling) jobs.add(this.prefilling.job);
    for (const s of this.active) this.pool.release(s.cache);
    if (this.prefilling) this.pool.release(this.prefilling.cache);
    this.waiting = [];
    this.active = [];
    this.prefilling = null;
    return [...jobs];
  }

  private dropCancelled(): void {
    const gone = (j: Job) => j.cancelled?.() === true;
    this.waiting = this.waiting.filter((j) => !gone(j));
    if (this.prefilling && gone(this.prefilling.job)) {
      this.pool.release(this.prefilling.cache);
      this.prefilling = null;
    }
    this.active = this.active.filter((s) => {
      if (!gone(s.job)) return true;
      this.pool.release(s.cache);
      return false;
    });
  }

  private budget(job: Job): number {
    return Math.min(job.options.maxTokens, this.limits.contextLength - job.prompt.length);
  }

  /**
   * Prefills waiting prompts, up to `prefillChunk` prompt tokens per step in all: many short prompts join the
   * batch in one step, a long one is spread over several steps.
   */
  private prefillChunk(): void {
    let budget = this.limits.prefillChunk;
    while (budget > 0) {
      if (!this.prefilling) {
        const job = this.waiting[0];
        if (!job || this.active.length + job.n > this.limits.maxBatch) return;
        if (!this.pool.fits(job.prompt.length + this.budget(job), job.n)) return; // wait for running sequences to end
        this.waiting.shift();
        this.prefilling = { job, cache: this.pool.acquire(job.prompt.length + this.budget(job), job.prompt) };
      }
      const { job, cache } = this.prefilling;
      const chunk = Math.min(budget, job.prompt.length - cache.reusable(job.prompt)); // ≥ 1: the last token always runs
      budget -= chunk;
      const logits = cache.prefillStep(this.decoder, job.prompt, chunk);
      if (!logits) return;
      this.prefilling = null;
      this.start(job, cache, logits);
    }
  }

  /** The prompt is in: copy its cache for the other samples and draw every sample's first token. */
  private start(job: Job, cache: PromptCache, logits: Float32Array): void {
    const maxTokens = this.budget(job);
    // Copies first: a sample that stops at once gives its cache back to the pool before the next one is made.
    const caches = [cache];
    for (let i = 1; i < job.n; i++) {
      const c = this.pool.acquire(cache.capacity);
      c.copyFrom(cache);
      caches.push(c);
    }
    caches.forEach((c, i) => {
      const options = { ...job.options, seed: (job.options.seed + i) >>> 0 };
      const seq = new Sequence(this.tokenizer, job.prompt, options, maxTokens, job.logprobs ?? options.topLogprobs > 0);
      this.emit({ job, index: i, seq, cache: c, next: -1 }, logits);
    });
  }

  private decode(): void {
    const B = this.active.length;
    if (B === 0) return;
    const slots = this.active;
    // One logits buffer across steps (grown with the batch), taken while in use so that a step started from inside
    // emit() could never write into rows not yet emitted.
    const V = this.decoder.config.vocabSize;
    let buffer = this.spareLogits;
    this.spareLogits = null;
    if (!buffer || buffer.length < B * V) buffer = new Float32Array(B * V);
    const logits = this.decoder.forwardBatch(slots.map((s) => s.next), slots.map((s) => s.cache.cache), buffer);
    this.active = [];
    for (let b = 0; b < B; b++) {
      const s = slots[b]!;
      s.cache.appended(s.next);
      this.emit(s, logits.subarray(b * V, (b + 1) * V));
    }
    this.spareLogits = buffer;
  }

  /** Samples the slot's next token, reports it, and keeps the slot running or frees its cache. */
  private emit(s: Slot, logits: Float32Array): void {
    const step = s.seq.step(logits);
    s.job.onStep(s.index, step, s.seq);
    if (step.finishReason) this.pool.release(s.cache);
    else {
      s.next = step.token;
      this.active.push(s);
    }
  }
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toPrecision(3)} MiB`;
