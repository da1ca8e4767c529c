// fastText's input (Joulin et al. 2016, "Bag of Tricks for Efficient Text Classification" §2.1): the words and
// word bigrams of a text, hashed into a fixed number of buckets (the hashing trick, Weinberger et al. 2009),
// so the vocabulary never has to be stored and unseen words still get an embedding row.
import { combineHash, hashString } from '../hash.js';
import { dedupWords } from '../shingles.js';

export interface FeatureConfig {
  /** Hash buckets (rows of the embedding table); a power of two. */
  buckets: number;
  /** Only the first maxWords words are read: enough to judge a document, and bounded cost. */
  maxWords: number;
}

/** Bucket ids of the unigrams and bigrams (duplicates kept: a frequent word weighs more in the average). */
export function textFeatures(text: string, c: FeatureConfig): Uint32Array {
  const words = dedupWords(text).slice(0, c.maxWords).map((w) => hashString(w));
  const out = new Uint32Array(words.length * 2 - (words.length > 0 ? 1 : 0));
  const mask = c.buckets - 1;
  let k = 0;
  for (let i = 0; i < words.length; i++) {
    out[k++] = words[i]! & mask;
    if (i > 0) out[k++] = combineHash(words[i - 1]!, words[i]!) & mask;
  }
  return out;
}
