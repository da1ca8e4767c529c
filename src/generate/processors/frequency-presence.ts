// OpenAI's frequency and presence penalties (API reference, "Parameter details"):
//   mu[j] ← mu[j] − c[j]·alpha_frequency − [c[j] > 0]·alpha_presence
// where c[j] counts how often token j has been generated so far (the prompt does not count).
import type { TokenHistory } from '../history.js';
import type { LogitsProcessor } from './processor.js';

export class FrequencyPresencePenalty implements LogitsProcessor {
  constructor(
    private readonly frequency: number,
    private readonly presence: number,
  ) {}

  apply(logits: Float32Array, history: TokenHistory): void {
    for (const [id, count] of history.generatedCounts) logits[id] = logits[id]! - count * this.frequency - this.presence;
  }
}
