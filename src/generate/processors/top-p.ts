// Nucleus sampling (Holtzman et al. 2020) exactly as Meta's `sample_top_p` (meta/llama generation.py; recipe §3):
// sort descending, drop every token whose *preceding* cumulative mass exceeds p, renormalise. The most likely token
// always survives.
//
// Sorting 32K–128K tokens every step is avoided with llama2.c's bound (`sample_topp`): a token of probability
// q < (1 − p)/(n − 1) cannot be kept — the tokens from it down number at most n − 1, each ≤ q, so they carry
// < 1 − p and the mass before it is > p. Only the survivors of that cut are sorted.
import type { Candidates } from '../candidates.js';
import type { LogitsWarper } from './processor.js';

export class TopP implements LogitsWarper {
  constructor(private readonly p: number) {}

  apply(c: Candidates): void {
    if (this.p >= 1 || c.n <= 1) return;
    if (!c.probsValid) c.softmax();
    if (!c.sorted) {
      // Cut by the bound, on probabilities of the full set (the cumulative masses below must use them too).
      // (1 − 1e-6 absorbs rounding; the top token is kept even when p < 1/n makes the bound exceed it.)
      let top = 0;
      for (let i = 0; i < c.n; i++) if (c.probs[i]! > top) top = c.probs[i]!;
      const cutoff = Math.min(((1 - this.p) / (c.n - 1)) * (1 - 1e-6), top);
      let m = 0;
      for (let i = 0; i < c.n; i++) {
        if (c.probs[i]! >= cutoff) {
          c.ids[m] = c.ids[i]!;
          c.logits[m] = c.logits[i]!;
          c.probs[m] = c.probs[i]!;
          m++;
        }
      }
      c.n = m;
      c.sortDescending();
    }
    let before = 0;
    let keep = 0;
    while (keep < c.n && before <= this.p) before += c.probs[keep++]!;
    c.n = keep;
    c.probsValid = false;
  }
}
