// The sampler: logits of one position → the next token. Processors edit the full logits (logit bias, repetition
// penalty, frequency/presence penalties, in llama.cpp's order), then temperature 0 takes the argmax (greedy) or
// the warpers narrow the candidates in HF's order (temperature, top-k, top-p, min-p) and one token is drawn.
// As in llama2.c (`sample_mult(probs, n, coin)`), the randomness is handed in: `draw` takes a coin in [0, 1),
// `sample` takes it from a seeded Rng, so a seed reproduces a whole generation.
import { NonFiniteError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { Candidates } from './candidates.js';
import type { TokenHistory } from './history.js';
import type { SamplingOptions } from './options.js';
import { FrequencyPresencePenalty } from './processors/frequency-presence.js';
import { LogitBias } from './processors/logit-bias.js';
import { MinP } from './processors/min-p.js';
import type { LogitsProcessor, LogitsWarper } from './processors/processor.js';
import { RepetitionPenalty } from './processors/repetition-penalty.js';
import { Temperature } from './processors/temperature.js';
import { TopK } from './processors/top-k.js';
import { TopP } from './processors/top-p.js';

/** Candidates whose (temperature-scaled) logit is more than this below the top are dropped (see prepare). */
const PRUNE = 40;

export class Sampler {
  readonly processors: LogitsProcessor[] = [];
  readonly warpers: LogitsWarper[] = [];
  readonly greedy: boolean;
  private readonly work: Float32Array;
  private readonly candidates: Candidates;

  constructor(readonly options: SamplingOptions, readonly vocabSize: number) {
    const o = options;
    if (o.logitBias.size > 0) this.processors.push(new LogitBias(o.logitBias));
    if (o.repeatPenalty !== 1 && o.repeatLastN !== 0) this.processors.push(new RepetitionPenalty(o.repeatPenalty));
    if (o.frequencyPenalty !== 0 || o.presencePenalty !== 0) this.processors.push(new FrequencyPresencePenalty(o.frequencyPenalty, o.presencePenalty));
    this.greedy = o.temperature === 0;
    this.warpers.push(new Temperature(o.temperature), new TopK(o.topK), new TopP(o.topP), new MinP(o.minP));
    const scratch = scratchFor(vocabSize);
    this.work = scratch.work;
    this.candidates = scratch.candidates;
  }

  /**
   * The distribution the next token is drawn from: surviving candidates; their probabilities are
   * softmax(logits[0, n)). `logits` is not modified. The result is overwritten by the next call of any sampler.
   */
  prepare(logits: Float32Array, history: TokenHistory): Candidates {
    // Processors edit a copy; without any, the logits are read as they are (fill copies the survivors).
    let w = logits;
    if (this.processors.length > 0) {
      w = this.work;
      w.set(logits);
      for (const p of this.processors) p.apply(w, history);
    }
    const c = this.candidates;
    const top = argmax(w);
    if (this.greedy) {
      c.single(top, w[top]!);
      return c;
    }
    // Tokens more than 40·T below the top have probability < e^-40 of the top's (all of them together < 1e-12 of
    // the mass for a 128K vocabulary, far below the 2^-32 resolution of the coin): leaving them out is exact
    // to that level and spares the softmax, sort and top-p passes most of a peaked vocabulary.
    c.fill(w, w[top]! - PRUNE * this.options.temperature);
    for (const warp of this.warpers) warp.apply(c);
    if (!c.probsValid) c.softmax();
    return c;
  }

  /** Prepares and draws one token, taking one coin from rng (none when greedy). */
  sample(logits: Float32Array, history: TokenHistory, rng: Rng): number {
    const c = this.prepare(logits, history);
    return c.n === 1 ? c.ids[0]! : draw(c, rng.uniform());
  }
}

/**
 * Work buffers, one set per vocabulary size, shared by every sampler: sampling is single-threaded and a prepared
 * candidate set is consumed before the next `prepare`, so 64 concurrent sequences need one set, not 64 (~4 MB
 * each for a 128K vocabulary).
 */
const scratch = new Map<number, { work: Float32Array; candidates: Candidates }>();
function scratchFor(vocabSize: number): { work: Float32Array; candidates: Candidates } {
  let s = scratch.get(vocabSize);
  if (!s) {
    s = { work: new Float32Array(vocabSize), candidates: new Candidates(vocabSize) };
    scratch.set(vocabSize, s);
  }
  return s;
}

/** The token whose cumulative probability first exceeds coin (llama2.c `sample_mult`); coin in [0, 1). */
export function draw(c: Candidates, coin: number): number {
  if (!c.probsValid) c.softmax();
  let cdf = 0;
  for (let i = 0; i < c.n; i++) {
    cdf += c.probs[i]!;
    if (coin < cdf) return c.ids[i]!;
  }
  return c.ids[c.n - 1]!; // rounding: cdf ended a hair below 1
}

/** Index of the largest value (first one on ties). Throws on NaN: a broken model must not sample silently. */
export function argmax(x: Float32Array): number {
  let best = 0;
  let max = x[0]!;
  let sum = 0; // NaN anywhere makes the sum NaN: a free check in the same pass
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    sum += v;
    if (v > max) { max = v; best = i; }
  }
  if (Number.isNaN(sum) && x.some(Number.isNaN)) throw new NonFiniteError('sampler: the logits contain NaN');
  return best;
}
