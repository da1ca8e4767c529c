// Min-p (Nguyen et al. 2024; llama.cpp, HF MinPLogitsWarper): keep tokens whose probability is at least
// minP × the top token's. The ratio of two probabilities is exp of the difference of their logits, so the rule
// is a logit threshold, max + ln(minP), and no softmax is needed.
import type { Candidates } from '../candidates.js';
import type { LogitsWarper } from './processor.js';

export class MinP implements LogitsWarper {
  constructor(private readonly minP: number) {}

  apply(c: Candidates): void {
    if (this.minP <= 0 || c.n <= 1) return;
    const top = c.logits[c.argmax()]!;
    c.keepAtLeast(top + Math.log(this.minP));
  }
}
