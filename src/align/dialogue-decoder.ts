// Answers for many multi-turn chats at once, turn after turn, with each chat's KV cache kept between turns: the
// next turn's prompt (the whole chat re-rendered, recipe §14) shares its prefix with what the cache holds, so only
// the new user turn runs (PromptCache prefix matching) and all chats decode together (Decoder.forwardBatch).
// Re-prefilling whole 20-turn dialogues every turn would cost ~20× more; GAtt's adherence curves need this.
// Sampling: temperature 0 = greedy (argmax, first on ties), else softmax(logits / T) with the chat's own seeded
// stream.
import type { Decoder } from '../model/inference.js';
import { PromptCache } from '../generate/prompt-cache.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { Rng } from '../util/rng.js';

export class DialogueDecoder {
  private readonly caches: PromptCache[];
  private readonly rngs: Rng[];

  constructor(
    readonly decoder: Decoder,
    readonly tok: Tokenizer,
    chats: number,
    readonly capacity = decoder.config.maxSeqLen,
    seed = 0,
  ) {
    this.caches = Array.from({ length: chats }, () => new PromptCache(decoder.config, capacity));
    this.rngs = Array.from({ length: chats }, (_, i) => new Rng((seed * 1_000_003 + i) >>> 0));
  }

  /**
   * One answer per chat whose prompt is given (null = skip this chat this turn). A prompt that does not fit the
   * context with room for a few tokens gives null. Generation stops at a stop id, maxTokens, or the context end.
   */
  answer(prompts: readonly (readonly number[] | null)[], maxTokens: number, temperature = 0): (string | null)[] {
    const stop = new Set(this.tok.stopIds);
    const out: (string | null)[] = prompts.map(() => null);
    const live: { i: number; logits: Float32Array; ids: number[] }[] = [];
    prompts.forEach((p, i) => {
      if (!p || p.length + 4 > this.capacity) return;
      live.push({ i, logits: this.caches[i]!.prefill(this.decoder, p), ids: [] });
    });
    let active = live;
    while (active.length > 0) {
      const next: number[] = [];
      const still: typeof active = [];
      for (const s of active) {
        const t = pick(s.logits, temperature, this.rngs[s.i]!);
        const cache = this.caches[s.i]!;
        if (stop.has(t) || s.ids.length + 1 > maxTokens || cache.free < 1) {
          out[s.i] = this.tok.decode(s.ids).trim();
          continue;
        }
        s.ids.push(t);
        next.push(t);
        still.push(s);
      }
      if (still.length === 0) break;
      const V = this.decoder.config.vocabSize;
      const logits = this.decoder.forwardBatch(next, still.map((s) => this.caches[s.i]!.cache));
      still.forEach((s, j) => {
        this.caches[s.i]!.appended(next[j]!);
        s.logits = logits.subarray(j * V, (j + 1) * V);
      });
      active = still;
    }
    return out;
  }
}

function pick(logits: Float32Array, temperature: number, rng: Rng): number {
  let best = 0;
  for (let v = 1; v < logits.length; v++) if (logits[v]! > logits[best]!) best = v;
  if (temperature <= 0) return best;
  const max = logits[best]!;
  let z = 0;
  const p = new Float64Array(logits.length);
  for (let v = 0; v < logits.length; v++) z += p[v] = Math.exp((logits[v]! - max) / temperature);
  let u = rng.uniform() * z;
  for (let v = 0; v < logits.length; v++) if ((u -= p[v]!) <= 0) return v;
  return best;
}
