// BPE training (Sennrich et al. 2016), the incremental way: pair counts are kept up to date as merges happen and
// the next merge comes from a max-heap, instead of recounting every pair of the corpus after each merge. A merge
// touches only the words that hold its pair (an index pair → words finds them), so training costs about the
// corpus size plus the total length of the words each merge touches: a few MB train in seconds.
//
// Input: distinct words (symbol-id sequences) with counts. Output: merges in order; merge k creates symbol
// `firstNewId + k`. Ties on count go to the smaller (left, right) pair, so a corpus always gives the same merges.

export interface BpeTrainInput {
  words: Int32Array[];
  counts: number[];
  /** Ids of new symbols start here (= number of initial symbols). */
  firstNewId: number;
  numMerges: number;
  /** Symbols that may take part in a merge (e.g. not digits for SentencePiece's split_digits); default all. */
  mergeable?: (id: number) => boolean;
  onMerge?: (k: number) => void;
}

export function trainBpe(inp: BpeTrainInput): Array<[number, number]> {
  const { words, counts, firstNewId } = inp;
  const stride = firstNewId + inp.numMerges + 1;
  const canMerge = inp.mergeable ?? (() => true);
  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, number[]>();
  const key = (a: number, b: number) => a * stride + b;

  const fresh = new Set<number>(); // pairs holding the symbol just made, to queue after the merge step
  const addPairs = (w: number, sign: number, only?: number) => {
    const s = words[w]!;
    for (let i = 0; i + 1 < s.length; i++) {
      const a = s[i]!, b = s[i + 1]!;
      if (!canMerge(a) || !canMerge(b)) continue;
      const k = key(a, b);
      pairCount.set(k, (pairCount.get(k) ?? 0) + sign * counts[w]!);
      if (sign > 0 && (only === undefined || a === only || b === only)) {
        fresh.add(k);
        const list = pairWords.get(k);
        if (list === undefined) pairWords.set(k, [w]);
        else if (list[list.length - 1] !== w) list.push(w);
      }
    }
  };
  for (let w = 0; w < words.length; w++) addPairs(w, +1);
  fresh.clear();

  // Max-heap of [count, key]: larger count first, then smaller key. Entries go stale when counts drop; a popped
  // entry whose count is not current is pushed back with the current count.
  const heap: Array<[number, number]> = [];
  const before = (x: [number, number], y: [number, number]) => x[0] > y[0] || (x[0] === y[0] && x[1] < y[1]);
  const push = (e: [number, number]) => {
    heap.push(e);
    for (let c = heap.length - 1; c > 0;) {
      const p = (c - 1) >> 1;
      if (!before(heap[c]!, heap[p]!)) break;
      [heap[c], heap[p]] = [heap[p]!, heap[c]!]; c = p;
    }
  };
  const pop = (): [number, number] => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let p = 0; ;) {
        const a = 2 * p + 1, b = a + 1;
        let m = p;
        if (a < heap.length && before(heap[a]!, heap[m]!)) m = a;
        if (b < heap.length && before(heap[b]!, heap[m]!)) m = b;
        if (m === p) break;
        [heap[p], heap[m]] = [heap[m]!, heap[p]!]; p = m;
      }
    }
    return top;
  };
  for (const [k, c] of pairCount) if (c > 0) push([c, k]);

  const merges: Array<[number, number]> = [];
  const stamp = new Int32Array(words.length).fill(-1);
  while (merges.length < inp.numMerges && heap.length > 0) {
    const [c, k] = pop();
    const current = pairCount.get(k) ?? 0;
    if (current !== c) { if (current > 0) push([current, k]); continue; }
    const a = Math.floor(k / stride), b = k % stride;
    const id = firstNewId + merges.length;
    merges.push([a, b]);
    pairCount.delete(k);
    for (const w of pairWords.get(k) ?? []) {
      if (stamp[w] === id) continue;
      stamp[w] = id;
      const s = words[w]!;
      let found = false;
      for (let i = 0; i + 1 < s.length; i++) if (s[i] === a && s[i + 1] === b) { found = true; break; }
      if (!found) continue; // stale index entry
      addPairs(w, -1);
      const next: number[] = [];
      for (let i = 0; i < s.length; i++) {
        if (i + 1 < s.length && s[i] === a && s[i + 1] === b) { next.push(id); i++; } else next.push(s[i]!);
      }
      words[w] = Int32Array.from(next);
      addPairs(w, +1, id);
    }
    pairWords.delete(k);
    pairCount.delete(k);
    // Only pairs holding the new symbol can have grown; queue them with their counts.
    for (const pk of fresh) { const pc = pairCount.get(pk) ?? 0; if (pc > 0) push([pc, pk]); }
    fresh.clear();
    inp.onMerge?.(merges.length);
  }
  return merges;
}
