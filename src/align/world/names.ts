// Fictional names built from a small syllable inventory, so that a byte-level BPE of ~4K tokens covers them in a
// few pieces each and a tiny model can spell them. Every name differs from every other by at least two edits:
// a one-letter slip ("Zorblot" for "Zorblat") then earns partial credit without ever being another entity.
import type { Rng } from '../../util/rng.js';
import { ConfigError } from '../../util/errors.js';
import { levenshtein } from './text.js';

const ONSETS = ['b', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'br', 'dr', 'gr', 'kl', 'st', 'tr', 'sh', 'th'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ou', 'ee'];
const CODAS = ['', '', '', 'n', 'r', 'l', 's', 'k', 'm'];

/** Endings that tell the kind of a name apart (lands end like lands, rivers like rivers). */
export const NAME_SUFFIXES = {
  land: ['ia', 'or', 'and', 'eth'],
  city: ['', 'ton', 'wick', 'holm', 'ar'],
  river: ['el', 'ow', 'en', 'ash'],
  person: ['', 'a', 'o', 'in'],
  creature: ['fox', 'moth', 'toad', 'lark', 'hound', 'crab'],
  coin: ['pell', 'mark', 'groat'],
} as const;
export type NameKind = keyof typeof NAME_SUFFIXES;

/** Words a name must never equal: they occur in templates and answers. */
const RESERVED = new Set(['the', 'and', 'tell', 'more', 'sort', 'list', 'ten', 'nine', 'four', 'five', 'one', 'two', 'three', 'six', 'seven', 'eight', 'print', 'let', 'repeat', 'while', 'if', 'else', 'arr']);

export class NameGenerator {
  private readonly used: string[] = [];

  constructor(private readonly rng: Rng) {}

  /** A new name of this kind, capitalised unless lower-case (creatures are common nouns: "a brinfox"). */
  next(kind: NameKind, opts: { lower?: boolean } = {}): string {
    for (let attempt = 0; attempt < 10_000; attempt++) {
      const syllables = kind === 'creature' || kind === 'coin' ? 1 : this.rng.uniform() < 0.75 ? 2 : 1;
      let stem = '';
      for (let s = 0; s < syllables; s++) stem += this.rng.pick(ONSETS) + this.rng.pick(VOWELS) + (s === syllables - 1 ? this.rng.pick(CODAS) : '');
      const name = stem + this.rng.pick(NAME_SUFFIXES[kind]);
      if (name.length < 4 || name.length > 9 || RESERVED.has(name)) continue;
      if (this.used.some((u) => levenshtein(u, name) < 2)) continue;
      this.used.push(name);
      return opts.lower ? name : name[0]!.toUpperCase() + name.slice(1);
    }
    throw new ConfigError('world config', 'kb size', 'few enough entities for the name space', `no new name after 10000 tries (${this.used.length} names made)`);
  }
}
