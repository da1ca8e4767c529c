// Exact expectations over a uniformly random K-subset of N scored samples (without replacement), from the sorted
// scores: the Llama 2 Figure 7 quantities (max and median reward among K samples) without the noise of drawing
// subsets. With x₍₁₎ ≤ … ≤ x₍N₎,
//   P(the j-th smallest of the subset is x₍i₎) = C(i−1, j−1)·C(N−i, K−j) / C(N, K),
// so max is j = K, the median j = (K+1)/2 (the mean of j = K/2 and K/2 + 1 for even K), and the value of another
// quantity at the subset's argmax ("the sample the RM picks") weights that quantity by the j = K probabilities.
import { ShapeError } from '../util/errors.js';

function binomials(n: number): Float64Array[] {
  const c: Float64Array[] = [];
  for (let i = 0; i <= n; i++) {
    c.push(new Float64Array(i + 1));
    c[i]![0] = c[i]![i] = 1;
    for (let j = 1; j < i; j++) c[i]![j] = c[i - 1]![j - 1]! + c[i - 1]![j]!;
  }
  return c;
}

const choose = (c: Float64Array[], n: number, k: number) => (k < 0 || k > n ? 0 : c[n]![k]!);

/** E[j-th smallest of a random K-subset] for values in ascending order. */
function expectedOrderStatistic(sorted: readonly number[], k: number, j: number): number {
  const n = sorted.length;
  if (!(k >= 1 && k <= n)) throw new ShapeError('order statistics', 'K', `1..${n} (the samples drawn)`, String(k));
  const c = binomials(n);
  const total = choose(c, n, k);
  let e = 0;
  for (let i = 1; i <= n; i++) e += (sorted[i - 1]! * choose(c, i - 1, j - 1) * choose(c, n - i, k - j)) / total;
  return e;
}

const ascending = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);

export function expectedMaxOfK(values: readonly number[], k: number): number {
  return expectedOrderStatistic(ascending(values), k, k);
}

export function expectedMedianOfK(values: readonly number[], k: number): number {
  const s = ascending(values);
  return k % 2 === 1 ? expectedOrderStatistic(s, k, (k + 1) / 2) : (expectedOrderStatistic(s, k, k / 2) + expectedOrderStatistic(s, k, k / 2 + 1)) / 2;
}

/**
 * E[other[argmax of scores over a random K-subset]]; ties in `scores` go to the earlier sample (as the stage's
 * argmax does), by sorting on (score, −index).
 */
export function expectedPickOfK(scores: readonly number[], other: readonly number[], k: number): number {
  if (other.length !== scores.length) throw new ShapeError('expectedPickOfK', 'values', `${scores.length}`, `${other.length}`);
  const order = scores.map((s, i) => i).sort((a, b) => scores[a]! - scores[b]! || b - a);
  return expectedOrderStatistic(order.map((i) => other[i]!), k, k);
}
