// OpenAI `logit_bias`: a value in [−100, 100] added to the logit of chosen token ids before sampling; −100 in
// effect bans a token, +100 in effect forces it. Applied first, as llama.cpp's sampler chain does.
import type { LogitsProcessor } from './processor.js';

export class LogitBias implements LogitsProcessor {
  constructor(private readonly bias: ReadonlyMap<number, number>) {}

  apply(logits: Float32Array): void {
    for (const [id, b] of this.bias) if (id < logits.length) logits[id] = logits[id]! + b;
  }
}
