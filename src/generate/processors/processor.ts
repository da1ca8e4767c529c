// The two kinds of logits processors (transformers.js / HF: one class per processor). A LogitsProcessor edits the
// model's full-vocabulary logits in place (bias, penalties); a LogitsWarper reshapes or narrows the candidate set
// after them (temperature, top-k, top-p, min-p). The sampler runs processors, then warpers, in a fixed order.
import type { Candidates } from '../candidates.js';
import type { TokenHistory } from '../history.js';

export interface LogitsProcessor {
  apply(logits: Float32Array, history: TokenHistory): void;
}

export interface LogitsWarper {
  apply(c: Candidates): void;
}
