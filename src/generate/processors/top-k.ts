// Top-k (Fan et al. 2018): keep the k most likely tokens (ties broken towards the lower id).
import type { Candidates } from '../candidates.js';
import type { LogitsWarper } from './processor.js';

export class TopK implements LogitsWarper {
  constructor(private readonly k: number) {}

  apply(c: Candidates): void {
    if (this.k <= 0 || this.k >= c.n) return;
    c.keepLargest(this.k);
  }
}
