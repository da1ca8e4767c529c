// The CTRL repetition penalty (Keskar et al. 2019 §4.1) with llama.cpp's and HF's sign rule: the logit of each
// token present in the window is divided by r when positive and multiplied by r when negative, so r > 1 always
// makes a repeat less likely. Counts do not matter, only presence in the last `repeatLastN` tokens.
import type { TokenHistory } from '../history.js';
import type { LogitsProcessor } from './processor.js';

export class RepetitionPenalty implements LogitsProcessor {
  constructor(private readonly penalty: number) {}

  apply(logits: Float32Array, history: TokenHistory): void {
    const r = this.penalty;
    for (const id of history.windowCounts.keys()) {
      const l = logits[id]!;
      logits[id] = l > 0 ? l / r : l * r;
    }
  }
}
