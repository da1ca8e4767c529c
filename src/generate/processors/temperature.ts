// Temperature (Ackley et al. 1985; Llama 2 §5.1 "temperature should suit the task"): softmax(l / T). T = 0 is
// greedy decoding and never reaches this warper (sampler.ts takes the argmax instead).
import type { Candidates } from '../candidates.js';
import type { LogitsWarper } from './processor.js';

export class Temperature implements LogitsWarper {
  constructor(private readonly temperature: number) {}

  apply(c: Candidates): void {
    if (this.temperature === 1) return;
    const inv = 1 / this.temperature;
    for (let i = 0; i < c.n; i++) c.logits[i] = c.logits[i]! * inv;
    c.probsValid = false;
  }
}
