// The tokens still in the running for the next position, with their (temperature-scaled) logits: llama.cpp's
// `llama_token_data_array`. Warpers (temperature, top-k, top-p, min-p) shrink it; the sampler draws from what is
// left. Buffers are allocated once per sampler, for the whole vocabulary, and reused every token.
import { NonFiniteError, ShapeError } from '../util/errors.js';

/** Sort keys pack a position below the logit's order bits: 32 + 21 bits fit a float64 mantissa exactly. */
const POS_BITS = 2 ** 21;

export class Candidates {
  readonly ids: Int32Array;
  readonly logits: Float32Array;
  /** Softmax of the logits of entries [0, n) when `probsValid` (float64: sums of 128K terms stay exact). */
  readonly probs: Float64Array;
  n = 0;
  /** Entries are in descending logit order (ties: ascending id). */
  sorted = false;
  probsValid = false;
  private readonly keys: Float64Array;
  private readonly tmpIds: Int32Array;
  private readonly tmpLogits: Float32Array;
  private readonly bits = new Uint32Array(1);
  private readonly bitsF32 = new Float32Array(this.bits.buffer);

  constructor(readonly capacity: number) {
    if (capacity > POS_BITS) throw new ShapeError('Candidates', 'vocabulary size', `≤ ${POS_BITS}`, `${capacity}`);
    this.ids = new Int32Array(capacity);
    this.logits = new Float32Array(capacity);
    this.probs = new Float64Array(capacity);
    this.keys = new Float64Array(capacity);
    this.tmpIds = new Int32Array(capacity);
    this.tmpLogits = new Float32Array(capacity);
  }

  /** Every token, in id order, with its logit. */
  fill(logits: Float32Array): void {
    if (logits.length !== this.capacity) throw new ShapeError('Candidates.fill', 'logits', `${this.capacity} values`, `${logits.length}`);
    this.logits.set(logits);
    for (let i = 0; i < this.capacity; i++) this.ids[i] = i;
    this.n = this.capacity;
    this.sorted = false;
    this.probsValid = false;
  }

  /** Just one token (greedy decoding). */
  single(id: number, logit: number): void {
    this.ids[0] = id;
    this.logits[0] = logit;
    this.probs[0] = 1;
    this.n = 1;
    this.sorted = true;
    this.probsValid = true;
  }

  /** Index (not id) of the largest logit; ties go to the lowest id, as argmax over id order does. */
  argmax(): number {
    let best = 0;
    for (let i = 1; i < this.n; i++) {
      const l = this.logits[i]!;
      const b = this.logits[best]!;
      if (l > b || (l === b && this.ids[i]! < this.ids[best]!)) best = i;
    }
    return best;
  }

  /** probs[0, n) = softmax(logits[0, n)), subtracting the maximum first. */
  softmax(): void {
    const n = this.n;
    let max = -Infinity;
    for (let i = 0; i < n; i++) if (this.logits[i]! > max) max = this.logits[i]!;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const e = Math.exp(this.logits[i]! - max);
      this.probs[i] = e;
      sum += e;
    }
    if (!(sum > 0 && sum < Infinity)) throw new NonFiniteError(`sampler: the logits contain NaN or Inf (softmax sum ${sum})`);
    for (let i = 0; i < n; i++) this.probs[i] = this.probs[i]! / sum;
    this.probsValid = true;
  }

  /**
   * Sorts entries [0, n) by descending logit, ties by ascending position (= ascending id, since every filter
   * keeps id order). One native Float64Array sort of packed keys instead of a comparator over 128K objects.
   */
  sortDescending(): void {
    if (this.sorted) return;
    const n = this.n;
    for (let i = 0; i < n; i++) this.keys[i] = (0xffffffff - this.orderBits(this.logits[i]!)) * POS_BITS + i;
    const keys = this.keys.subarray(0, n).sort();
    const probs = this.probsValid ? Float64Array.from(this.probs.subarray(0, n)) : null;
    for (let j = 0; j < n; j++) {
      const i = keys[j]! % POS_BITS;
      this.tmpIds[j] = this.ids[i]!;
      this.tmpLogits[j] = this.logits[i]!;
      if (probs) this.probs[j] = probs[i]!;
    }
    this.ids.set(this.tmpIds.subarray(0, n));
    this.logits.set(this.tmpLogits.subarray(0, n));
    this.sorted = true;
  }

  /** Keeps the first k entries (callers sort first). Probabilities, if valid, are no longer normalised. */
  truncate(k: number): void {
    if (k < this.n) {
      this.n = k;
      this.probsValid = false;
    }
  }

  /** Keeps entries whose logit is ≥ threshold, in order. */
  keepAtLeast(threshold: number): void {
    let m = 0;
    for (let i = 0; i < this.n; i++) {
      if (this.logits[i]! >= threshold) {
        this.ids[m] = this.ids[i]!;
        this.logits[m] = this.logits[i]!;
        this.probs[m] = this.probs[i]!;
        m++;
      }
    }
    if (m < this.n) {
      this.n = m;
      this.probsValid = false;
    }
  }

  /** An unsigned 32-bit key whose integer order is the float order (IEEE-754 sign-magnitude flipped). */
  private orderBits(x: number): number {
    this.bitsF32[0] = x;
    const b = this.bits[0]!;
    return b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
  }
}
