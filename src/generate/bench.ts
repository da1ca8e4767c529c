// Inference speed measured the way llama.cpp's llama-bench measures it, so the two can be compared row for row:
// prefill = one forward pass over a prompt of P tokens on an empty cache (pp P), decode = G single-token
// forward passes from an empty cache (tg G), each repeated `reps` times after one warm-up, reported as mean and
// standard deviation of tokens per second. Token ids are random (seeded); no sampling is involved. Beside them,
// `generate` = the whole loop a user runs (prompt, then G tokens through the default sampler, streaming text).
import type { Decoder } from '../model/inference.js';
import { KVCache } from '../model/inference.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { Rng } from '../util/rng.js';
import { generate } from './generate.js';

export interface SpeedOptions {
  promptTokens: number;
  genTokens: number;
  reps: number;
  seed?: number;
  /** Milliseconds now (default wall clock; cpuClock measures this process's CPU time instead). */
  clock?: () => number;
}

/** Process CPU time (user + system, all threads) in ms: meaningful at 1 thread on a machine shared with other work. */
export const cpuClock = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export interface Speed {
  mean: number;
  sd: number;
}

export interface SpeedReport {
  prefill: Speed;
  decode: Speed;
  /** End-to-end tokens/s of generate() after a prompt of promptTokens (sampling, stop checks, text streaming included). */
  generate: number | null;
}

export async function measureSpeed(decoder: Decoder, tok: Tokenizer | null, o: SpeedOptions): Promise<SpeedReport> {
  const rng = new Rng(o.seed ?? 1);
  const now = o.clock ?? (() => performance.now());
  const V = decoder.config.vocabSize;
  const ids = (n: number) => Array.from({ length: n }, () => rng.int(V));
  const cache = new KVCache(decoder.config, Math.min(decoder.config.maxSeqLen, Math.max(o.promptTokens, o.genTokens) + 1));
  const prefillOnce = () => {
    const prompt = ids(o.promptTokens);
    cache.reset();
    const t = now();
    decoder.forward(prompt, cache);
    return (o.promptTokens / (now() - t)) * 1000;
  };
  const logits = new Float32Array(V);
  const decodeOnce = () => {
    const tokens = ids(o.genTokens);
    cache.reset();
    const t = now();
    for (const id of tokens) decoder.forward([id], cache, false, logits); // one buffer, as generate() decodes
    return (o.genTokens / (now() - t)) * 1000;
  };
  prefillOnce();
  decodeOnce();
  const prefill = stats(Array.from({ length: o.reps }, prefillOnce));
  const decode = stats(Array.from({ length: o.reps }, decodeOnce));
  let gen: number | null = null;
  if (tok) {
    const prompt = ids(o.promptTokens);
    let t = 0;
    let n = 0;
    for await (const _ of generate(decoder, tok, prompt, { maxTokens: o.genTokens, stopIds: [], seed: 1 })) if (n++ === 0) t = now();
    gen = n > 1 ? ((n - 1) / (now() - t)) * 1000 : null;
  }
  return { prefill, decode, generate: gen };
}

function stats(xs: number[]): Speed {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length - 1));
  return { mean, sd };
}
