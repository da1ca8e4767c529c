// The tokens still in the running for the next position, with their (temperature-scaled) logits: llama.cpp's
// `llama_token_data_array`. Warpers (temperature, top-k, top-p, min-p) shrink it; the sampler draws from what is
// left. Buffers are allocated once per sampler, for the whole vocabulary, and reused every token.
import { NonFiniteError, ShapeError } from '../util/errors.js';

/** Radix digits: 11 + 11 + 10 bits of a 32-bit key, 2048 buckets per pass. */
const RADIX = 2048;

export class Candidates {
  readonly ids: Int32Array;
  readonly logits: Float32Array;
  /** Softmax of the logits of entries [0, n) when `probsValid` (float64: sums of 128K terms stay exact). */
  readonly probs: Float64Array;
  n = 0;
  /** Entries are in descending logit order (ties: ascending id). */
  sorted = false;
  probsValid = false;
  /** Sort keys: the logits' IEEE-754 bits mapped so that unsigned order is descending logit order. */
  private readonly keys: Uint32Array;
  private readonly order: Int32Array;
  private readonly order2: Int32Array;
  private readonly counts = new Uint32Array(RADIX);
  private readonly mass = new Float64Array(RADIX);
  private readonly tmpIds: Int32Array;
  private readonly tmpLogits: Float32Array;
  private readonly tmpProbs: Float64Array;
  private readonly bits: Uint32Array;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1 && capacity <= 2 ** 31)) throw new ShapeError('Candidates', 'vocabulary size', 'in [1, 2^31]', `${capacity}`);
    this.ids = new Int32Array(capacity);
    this.logits = new Float32Array(capacity);
    this.probs = new Float64Array(capacity);
    this.keys = new Uint32Array(capacity);
    this.order = new Int32Array(capacity);
    this.order2 = new Int32Array(capacity);
    this.tmpIds = new Int32Array(capacity);
    this.tmpLogits = new Float32Array(capacity);
    this.tmpProbs = new Float64Array(capacity);
    // The logits viewed as raw bits, for the sort keys.
    this.bits = new Uint32Array(this.logits.buffer, this.logits.byteOffset, capacity);
  }

  /** Every token whose logit is ≥ threshold, in id order, with its logit (−Infinity: every token). */
  fill(logits: Float32Array, threshold = -Infinity): void {
    if (logits.length !== this.capacity) throw new ShapeError('Candidates.fill', 'logits', `${this.capacity} values`, `${logits.length}`);
    let m = 0;
    for (let i = 0; i < logits.length; i++) {
      const l = logits[i]!;
      if (l >= threshold) {
        this.ids[m] = i;
        this.logits[m] = l;
        m++;
      }
    }
    this.n = m;
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
   * keeps id order): an LSD radix sort of 32-bit order keys, three stable passes, O(n). (A comparator sort of
   * 32K entries costs milliseconds per token; so does Float64Array.prototype.sort.)
   */
  sortDescending(): void {
    if (this.sorted) return;
    this.sortRange(0, this.n);
    this.sorted = true;
  }

  /** Sorts entries [start, start + count) as sortDescending does. */
  private sortRange(start: number, count: number): void {
    const keys = this.keys;
    for (let i = 0; i < count; i++) keys[i] = descendingKey(this.bits[start + i]!);
    let src = this.order;
    let dst = this.order2;
    for (let i = 0; i < count; i++) src[i] = i;
    const counts = this.counts;
    for (let shift = 0; shift < 32; shift += 11) {
      counts.fill(0);
      for (let i = 0; i < count; i++) counts[(keys[i]! >>> shift) & (RADIX - 1)]!++;
      if (counts[(keys[0]! >>> shift) & (RADIX - 1)] === count) continue; // one digit value: the pass changes nothing
      let sum = 0;
      for (let b = 0; b < RADIX; b++) {
        const c = counts[b]!;
        counts[b] = sum;
        sum += c;
      }
      for (let i = 0; i < count; i++) {
        const j = src[i]!;
        dst[counts[(keys[j]! >>> shift) & (RADIX - 1)]!++] = j;
      }
      [src, dst] = [dst, src];
    }
    this.permute(src, start, count);
  }

  /**
   * Meta's nucleus rule (top-p.ts) over unsorted entries with valid probabilities, without sorting them all: a
   * histogram of probability mass over the top 11 key bits finds the bucket where the cumulative mass crosses p;
   * buckets above it are kept whole, buckets below dropped, and only the crossing bucket is sorted and walked.
   * Keeps exactly the tokens a full sort would. The kept entries are not left in sorted order.
   */
  nucleus(p: number): void {
    const n = this.n;
    const counts = this.counts;
    const mass = this.mass;
    counts.fill(0);
    mass.fill(0);
    for (let i = 0; i < n; i++) {
      const b = descendingKey(this.bits[i]!) >>> 21;
      counts[b]!++;
      mass[b] = mass[b]! + this.probs[i]!;
    }
    let before = 0;
    let cross = 0;
    for (; cross < RADIX; cross++) {
      if (before + mass[cross]! > p) break;
      before += mass[cross]!;
    }
    if (cross === RADIX) return; // the whole mass is within p: every token stays
    // Buckets above the crossing one to the front (id order kept), the crossing bucket after them.
    let m = 0;
    let q = 0;
    for (let i = 0; i < n; i++) {
      const b = descendingKey(this.bits[i]!) >>> 21;
      if (b < cross) {
        this.ids[m] = this.ids[i]!;
        this.logits[m] = this.logits[i]!;
        this.probs[m] = this.probs[i]!;
        m++;
      } else if (b === cross) {
        this.tmpIds[q] = this.ids[i]!;
        this.tmpLogits[q] = this.logits[i]!;
        this.tmpProbs[q] = this.probs[i]!;
        q++;
      }
    }
    this.ids.set(this.tmpIds.subarray(0, q), m);
    this.logits.set(this.tmpLogits.subarray(0, q), m);
    this.probs.set(this.tmpProbs.subarray(0, q), m);
    this.sortRange(m, q);
    let k = m;
    while (k < m + q && before <= p) before += this.probs[k++]!;
    this.n = k;
    this.sorted = m === 0;
    this.probsValid = false;
  }

  /**
   * Keeps the k entries with the largest logits (ties: lower id), sorted. One histogram pass over the top 11 key
   * bits finds the bucket holding the k-th largest; only the entries from that bucket up are sorted.
   */
  keepLargest(k: number): void {
    if (k >= this.n) {
      this.sortDescending();
      return;
    }
    const n = this.n;
    const counts = this.counts;
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[descendingKey(this.bits[i]!) >>> 21]!++;
    let bucket = 0;
    for (let seen = 0; bucket < RADIX; bucket++) {
      seen += counts[bucket]!;
      if (seen >= k) break;
    }
    let m = 0;
    for (let i = 0; i < n; i++) {
      if (descendingKey(this.bits[i]!) >>> 21 <= bucket) {
        this.ids[m] = this.ids[i]!;
        this.logits[m] = this.logits[i]!;
        this.probs[m] = this.probs[i]!;
        m++;
      }
    }
    this.n = m;
    this.sorted = false;
    this.sortDescending();
    this.truncate(k);
  }

  /** Reorders entries [start, start + count) so that entry start + j becomes old entry start + order[j]. */
  private permute(order: Int32Array, start = 0, count = this.n): void {
    for (let j = 0; j < count; j++) {
      const i = start + order[j]!;
      this.tmpIds[j] = this.ids[i]!;
      this.tmpLogits[j] = this.logits[i]!;
      this.tmpProbs[j] = this.probs[i]!;
    }
    this.ids.set(this.tmpIds.subarray(0, count), start);
    this.logits.set(this.tmpLogits.subarray(0, count), start);
    this.probs.set(this.tmpProbs.subarray(0, count), start);
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

}

/**
 * Maps IEEE-754 float bits to an unsigned key whose ascending order is the DESCENDING order of the floats
 * (flip the sign bit of positives and all bits of negatives to get the ascending order, then complement).
 */
function descendingKey(b: number): number {
  return (b & 0x80000000 ? b : ~(b | 0x80000000)) >>> 0;
}
