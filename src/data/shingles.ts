// Shingles for near-duplicate detection: hashed word 5-grams of normalised text.
//
// Why word 5-grams (Lee et al. 2022, "Deduplicating Training Data Makes Language Models Better", NearDup;
// the same choice as RefinedWeb): one edited word changes at most 5 shingles, so Jaccard similarity falls
// predictably with the edit rate (which is what lets us inject duplicates of known similarity), and a document
// of n words has only n − 4 shingles, against ~5n for character 5-grams, which keeps MinHash cheap. Character
// n-grams tolerate spelling variants better, which matters little for the copied boilerplate and reposted
// documents that document-level dedup is after.
import { combineHash, hashString } from './hash.js';

/** Lower-case words with punctuation removed: "Hello, World!" and "hello world" shingle alike. */
export function dedupWords(text: string): string[] {
  return text.toLowerCase().replace(/[^\p{L}\p{N}\s]+/gu, ' ').split(/\s+/).filter((w) => w.length > 0);
}

/** Sorted, distinct 32-bit hashes of the word n-grams. A text shorter than n words is one shingle. */
export function shingleSet(text: string, n = 5): Uint32Array {
  const words = dedupWords(text).map((w) => hashString(w));
  if (words.length === 0) return new Uint32Array(0);
  const count = Math.max(1, words.length - n + 1);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    let h = n;
    for (let j = i; j < Math.min(i + n, words.length); j++) h = combineHash(h, words[j]!);
    out[i] = h;
  }
  out.sort();
  return unique(out);
}

function unique(sorted: Uint32Array): Uint32Array {
  let k = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[k - 1]) sorted[k++] = sorted[i]!;
  return sorted.subarray(0, k);
}

/** Exact Jaccard similarity |A ∩ B| / |A ∪ B| of two sorted distinct sets (1 for two empty sets). */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  if (a.length === 0 && b.length === 0) return 1;
  let i = 0;
  let j = 0;
  let inter = 0;
  while (i < a.length && j < b.length) {
    if (a[i]! === b[j]!) {
      inter++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return inter / (a.length + b.length - inter);
}
