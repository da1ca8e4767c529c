// A seeded toy language for tests and benchmarks: a sparse first-order Markov chain over the vocabulary. Every
// token has `branching` successors with random probabilities, so the best possible loss is the chain's entropy
// rate (≤ log branching nats/token) while the unigram baseline is near log V: a model that trains well lands
// between the two quickly. Each row is one document: BOS, then T tokens of the chain (no packing needed).
import { Rng } from '../util/rng.js';
import { countTokens, unigramCrossEntropy, type Batch, type TrainData } from './data.js';

export interface SyntheticOptions {
  vocabSize: number;
  branching: number;
  seed: number;
}

export class SyntheticData implements TrainData {
  readonly tokenizer = null;
  readonly vocabSize: number;
  /** Successor ids [V, branching] and their cumulative probabilities. */
  private readonly next_: Int32Array;
  private readonly cdf: Float64Array;
  private readonly bos: number;
  private readonly rng: Rng;
  private readonly seed: number;

  constructor(private readonly o: SyntheticOptions) {
    const V = (this.vocabSize = o.vocabSize);
    this.bos = V - 1; // the last id, never a successor
    this.seed = o.seed;
    const chain = new Rng(o.seed ^ 0x5eed);
    const k = o.branching;
    this.next_ = new Int32Array(V * k);
    this.cdf = new Float64Array(V * k);
    for (let t = 0; t < V; t++) {
      let acc = 0;
      const w = Array.from({ length: k }, () => 0.1 + chain.uniform());
      const sum = w.reduce((a, b) => a + b, 0);
      for (let j = 0; j < k; j++) {
        this.next_[t * k + j] = chain.int(V - 1);
        this.cdf[t * k + j] = acc += w[j]! / sum;
      }
    }
    this.rng = new Rng(o.seed);
  }

  next(B: number, T: number): Batch {
    return this.rows(this.rng, B, T);
  }

  cursor(): unknown {
    return { rng: this.rng.getState() };
  }

  restore(cursor: unknown): void {
    this.rng.setState((cursor as { rng: number[] }).rng);
  }

  validation(B: number, T: number, sequences: number): Batch[] {
    const rng = new Rng(this.seed ^ 0x7a1);
    const out: Batch[] = [];
    for (let done = 0; done < sequences; done += B) out.push(this.rows(rng, Math.min(B, sequences - done), T));
    return out;
  }

  unigramEntropy(T: number, sequences: number): number {
    const train = this.rows(new Rng(this.seed ^ 0xc0), 256, T);
    return unigramCrossEntropy(countTokens(this.vocabSize, [train.targets]), this.validation(sequences, T, sequences)[0]!.targets);
  }

  private rows(rng: Rng, B: number, T: number): Batch {
    const k = this.o.branching;
    const b: Batch = { B, T, tokens: new Int32Array(B * T), targets: new Int32Array(B * T), segIds: new Int32Array(B * T), positions: new Int32Array(B * T) };
    for (let r = 0; r < B; r++) {
      let prev = this.bos;
      for (let t = 0; t < T; t++) {
        const u = rng.uniform();
        let j = 0;
        while (j < k - 1 && u >= this.cdf[prev * k + j]!) j++;
        const tok = this.next_[prev * k + j]!;
        b.tokens[r * T + t] = prev;
        b.targets[r * T + t] = tok;
        b.positions[r * T + t] = t;
        prev = tok;
      }
    }
    return b;
  }
}
