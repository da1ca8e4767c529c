// The BPE merge loop over token ids (Sennrich et al. 2016; tiktoken `byte_pair_merge`): repeatedly merge the
// adjacent pair with the lowest merge rank, leftmost first on ties, until no adjacent pair has a merge.
// Short words (the common case) use a flat O(n²) scan; long ones a binary heap over a linked list, O(n log n),
// so a 1 MB word without spaces does not take minutes. Both give the same result (tested).

export interface MergeTable {
  /** key = left * stride + right → merge rank. */
  ranks: Map<number, number>;
  /** result[rank] = id of the merged token. */
  result: Int32Array;
  stride: number;
}

export function buildMergeTable(merges: ReadonlyArray<readonly [number, number]>, mergedIds: ArrayLike<number>, stride: number): MergeTable {
  const ranks = new Map<number, number>();
  for (let r = 0; r < merges.length; r++) {
    const key = merges[r]![0] * stride + merges[r]![1];
    if (!ranks.has(key)) ranks.set(key, r);
  }
  return { ranks, result: Int32Array.from(mergedIds), stride };
}

const LONG_WORD = 64;

/** Merges `sym` (token ids) in place semantics; returns the merged ids. */
export function bpeMerge(sym: number[], t: MergeTable): number[] {
  return sym.length > LONG_WORD ? bpeMergeHeap(sym, t) : bpeMergeFlat(sym, t);
}

const NONE = Number.POSITIVE_INFINITY;

export function bpeMergeFlat(sym: number[], t: MergeTable): number[] {
  const { ranks: map, result, stride } = t;
  const ranks: number[] = [];
  for (let i = 0; i + 1 < sym.length; i++) ranks.push(map.get(sym[i]! * stride + sym[i + 1]!) ?? NONE);
  for (;;) {
    let best = NONE;
    let at = -1;
    for (let i = 0; i < ranks.length; i++) if (ranks[i]! < best) { best = ranks[i]!; at = i; }
    if (at < 0) return sym;
    sym[at] = result[best]!;
    sym.splice(at + 1, 1);
    ranks.splice(at, 1);
    if (at > 0) ranks[at - 1] = map.get(sym[at - 1]! * stride + sym[at]!) ?? NONE;
    if (at < ranks.length) ranks[at] = map.get(sym[at]! * stride + sym[at + 1]!) ?? NONE;
  }
}

export function bpeMergeHeap(sym: number[], t: MergeTable): number[] {
  const { ranks, result, stride } = t;
  return mergeHeap(sym, (a, b) => ranks.get(a * stride + b), (_a, _b, rank) => result[rank]!);
}

/**
 * Generic heap merge: `rankOf(a, b)` is the priority of merging neighbours a and b (lower first, undefined when
 * they do not merge) and `combine` makes the merged symbol. Ties go to the leftmost pair. Entries made stale by
 * an earlier merge are recognised by per-position version numbers and skipped.
 */
export function mergeHeap<T>(sym: T[], rankOf: (a: T, b: T) => number | undefined, combine: (a: T, b: T, rank: number) => T): T[] {
  const n = sym.length;
  const next = new Int32Array(n);
  const prev = new Int32Array(n);
  const version = new Int32Array(n);
  for (let i = 0; i < n; i++) { next[i] = i + 1 < n ? i + 1 : -1; prev[i] = i - 1; }
  // Heap of entries [rank, left, leftVersion, rightVersion], ordered by (rank, left).
  const heap: Array<[number, number, number, number]> = [];
  const less = (a: number, b: number) => heap[a]![0] < heap[b]![0] || (heap[a]![0] === heap[b]![0] && heap[a]![1] < heap[b]![1]);
  const swap = (a: number, b: number) => { const x = heap[a]!; heap[a] = heap[b]!; heap[b] = x; };
  const push = (pos: number) => {
    const r = next[pos]!;
    if (pos < 0 || r < 0) return;
    const rank = rankOf(sym[pos]!, sym[r]!);
    if (rank === undefined) return;
    heap.push([rank, pos, version[pos]!, version[r]!]);
    for (let c = heap.length - 1; c > 0;) {
      const p = (c - 1) >> 1;
      if (!less(c, p)) break;
      swap(c, p); c = p;
    }
  };
  const pop = () => {
    swap(0, heap.length - 1);
    const top = heap.pop()!;
    for (let p = 0; ;) {
      const a = 2 * p + 1, b = a + 1;
      let m = p;
      if (a < heap.length && less(a, m)) m = a;
      if (b < heap.length && less(b, m)) m = b;
      if (m === p) break;
      swap(p, m); p = m;
    }
    return top;
  };
  for (let i = 0; i + 1 < n; i++) push(i);
  while (heap.length > 0) {
    const [rank, pos, vl, vr] = pop();
    const r = next[pos]!;
    if (version[pos] !== vl || r < 0 || version[r] !== vr) continue; // stale
    sym[pos] = combine(sym[pos]!, sym[r]!, rank);
    version[pos]!++;
    version[r] = -1; // dead
    next[pos] = next[r]!;
    if (next[r]! >= 0) prev[next[r]!] = pos;
    push(prev[pos]!);
    push(pos);
  }
  const out: T[] = [];
  for (let i = 0; i >= 0; i = next[i]!) out.push(sym[i]!);
  return out;
}
