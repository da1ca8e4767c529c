// The measurements behind the heuristic rules (Gopher, Rae et al. 2021, App. A.1.1), computed once per
// document. N-gram statistics are computed on demand since each n costs a pass over the words.
import { combineHash, hashString } from './hash.js';
import { dedupWords } from './shingles.js';
import { splitWords } from './doc.js';

export interface TextStats {
  words: number;
  meanWordLength: number;
  /** ('#' + '...'/'…') per word. */
  symbolToWord: number;
  bulletLineFraction: number;
  ellipsisLineFraction: number;
  /** Words containing at least one letter. */
  alphaWordFraction: number;
  /** How many of Gopher's eight stop words occur. */
  stopWords: number;
  duplicateLineFraction: number;
  duplicateLineCharFraction: number;
  dirtyWordFraction: number;
  /** Characters of the most frequent n-gram (all its occurrences) over all word characters. */
  topNgramCharFraction(n: number): number;
  /** Characters of words inside repeated occurrences of any n-gram over all word characters. */
  duplicateNgramCharFraction(n: number): number;
}

const STOP_WORDS = new Set(['the', 'be', 'to', 'of', 'and', 'that', 'have', 'with']);
const BULLET = /^\s*[•●○◦▪▫‣►*·\-–]\s?/;
const ELLIPSIS = /(\.\.\.|…)\s*$/;

export function textStats(text: string, dirty: ReadonlySet<string>): TextStats {
  const raw = splitWords(text);
  const norm = dedupWords(text);
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  const wordChars = norm.reduce((a, w) => a + w.length, 0);

  const seenLines = new Set<string>();
  let dupLines = 0;
  let dupLineChars = 0;
  let lineChars = 0;
  for (const l of lines) {
    lineChars += l.length;
    if (seenLines.has(l)) {
      dupLines++;
      dupLineChars += l.length;
    } else seenLines.add(l);
  }
  const symbols = (text.match(/#/g)?.length ?? 0) + (text.match(/\.\.\.|…/g)?.length ?? 0);
  const present = new Set(norm.filter((w) => STOP_WORDS.has(w)));
  let cached: WordIds | null = null;
  const ids = () => (cached ??= wordIds(norm));

  return {
    words: raw.length,
    meanWordLength: raw.length === 0 ? 0 : raw.reduce((a, w) => a + [...w].length, 0) / raw.length,
    symbolToWord: raw.length === 0 ? 0 : symbols / raw.length,
    bulletLineFraction: lines.length === 0 ? 0 : lines.filter((l) => BULLET.test(l)).length / lines.length,
    ellipsisLineFraction: lines.length === 0 ? 0 : lines.filter((l) => ELLIPSIS.test(l)).length / lines.length,
    alphaWordFraction: raw.length === 0 ? 0 : raw.filter((w) => /\p{L}/u.test(w)).length / raw.length,
    stopWords: present.size,
    duplicateLineFraction: lines.length === 0 ? 0 : dupLines / lines.length,
    duplicateLineCharFraction: lineChars === 0 ? 0 : dupLineChars / lineChars,
    dirtyWordFraction: norm.length === 0 ? 0 : norm.filter((w) => dirty.has(w)).length / norm.length,
    topNgramCharFraction: (n) => topNgramCharFraction(ids(), n, wordChars),
    duplicateNgramCharFraction: (n) => duplicateNgramCharFraction(ids(), n, wordChars),
  };
}

interface WordIds {
  lengths: Uint32Array;
  /** For each n-gram start position, how many times that n-gram occurred up to and including it. */
  keys(n: number): Int32Array;
}

function wordIds(words: readonly string[]): WordIds {
  const ids1 = Uint32Array.from(words, (w) => hashString(w));
  const ids2 = Uint32Array.from(words, (w) => hashString(w, 0x5bd1e995));
  // The n-gram hashes extend the (n−1)-gram ones by one word, so asking for n = 2…10 in order costs one pass each.
  let n = 1;
  let h1 = ids1.slice();
  let h2 = ids2.slice();
  return {
    lengths: Uint32Array.from(words, (w) => w.length),
    keys(want: number) {
      if (want < n) [n, h1, h2] = [1, ids1.slice(), ids2.slice()];
      for (; n < want; n++) {
        for (let i = 0; i + n < ids1.length; i++) {
          h1[i] = combineHash(h1[i]!, ids1[i + n]!);
          h2[i] = combineHash(h2[i]!, ids2[i + n]!);
        }
      }
      return countNgrams(h1, h2, Math.max(0, ids1.length - want + 1));
    },
  };
}

/** Running occurrence counts of the first `count` n-grams, identified by two independent 32-bit hashes
 * (collisions among one document's n-grams are then vanishingly rare), in an open-addressing table: an order
 * of magnitude faster than a Map keyed by joined strings on a 10,000-word address. */
function countNgrams(h1: Uint32Array, h2: Uint32Array, count: number): Int32Array {
  let cap = 16;
  while (cap < count * 2) cap *= 2;
  const k1 = new Uint32Array(cap);
  const k2 = new Uint32Array(cap);
  const used = new Int32Array(cap); // occurrences so far; 0 = empty slot
  const running = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    let slot = h1[i]! & (cap - 1);
    while (used[slot]! > 0 && (k1[slot] !== h1[i] || k2[slot] !== h2[i])) slot = (slot + 1) & (cap - 1);
    k1[slot] = h1[i]!;
    k2[slot] = h2[i]!;
    running[i] = ++used[slot]!;
  }
  return running;
}

function topNgramCharFraction(w: WordIds, n: number, wordChars: number): number {
  if (w.lengths.length < n || wordChars === 0) return 0;
  const running = w.keys(n);
  let bestAt = 0;
  let bestCount = 0;
  for (let i = 0; i < running.length; i++) if (running[i]! > bestCount) [bestAt, bestCount] = [i, running[i]!];
  if (bestCount < 2) return 0;
  let chars = 0;
  for (let j = bestAt; j < bestAt + n; j++) chars += w.lengths[j]!;
  return (bestCount * chars) / wordChars;
}

function duplicateNgramCharFraction(w: WordIds, n: number, wordChars: number): number {
  if (w.lengths.length < n || wordChars === 0) return 0;
  const running = w.keys(n);
  const covered = new Uint8Array(w.lengths.length);
  for (let i = 0; i < running.length; i++) if (running[i]! > 1) covered.fill(1, i, i + n);
  let chars = 0;
  for (let i = 0; i < covered.length; i++) if (covered[i]) chars += w.lengths[i]!;
  return chars / wordChars;
}
