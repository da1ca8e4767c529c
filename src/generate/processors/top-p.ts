// Nucleus sampling (Holtzman et al. 2020) exactly as Meta's `sample_top_p` (meta/llama generation.py; recipe §3):
// sort descending, drop every token whose *preceding* cumulative mass exceeds p, renormalise. The most likely token
// always survives.
//
// Sorting 32K–128K tokens every step is avoided (llama2.c's `sample_topp` prunes by the bound (1 − p)/(n − 1)
// for the same reason): Candidates.nucleus finds the bucket of a probability-mass histogram where the cumulative
// mass crosses p and sorts that bucket only. When top-k already sorted the candidates, the walk is direct.
import type { Candidates } from '../candidates.js';
import type { LogitsWarper } from './processor.js';

export class TopP implements LogitsWarper {
  constructor(private readonly p: number) {}

  apply(c: Candidates): void {
    if (this.p >= 1 || c.n <= 1) return;
    if (!c.probsValid) c.softmax();
    if (!c.sorted) {
      c.nucleus(this.p);
      return;
    }
    let before = 0;
    let keep = 0;
    while (keep < c.n && before <= this.p) before += c.probs[keep++]!;
    c.n = keep;
    c.probsValid = false;
  }
}
