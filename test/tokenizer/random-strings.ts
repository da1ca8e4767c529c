// Random and adversarial strings for the cross-checks: every Unicode plane, whitespace runs of every kind,
// digits, code, emoji sequences, contractions, byte-fallback characters. Deterministic from a seed.
import { Rng } from '../../src/util/rng.js';

const PARTS = [
  ' ', '  ', '   ', '\t', '\n', '\n\n', '\r\n', ' \n ', '\u00a0', '\u3000', '\u2009', '\u2028', '\u000b', '\u000c',
  "'s", "'S", "'ll", "'LL", "'re", "'ve", "'d", "'m", "'t", "''", 'don\'t', 'I\'M',
  '0', '12', '123', '1234', '12345678', '3.14159', '١٢٣', '٣', '½', '²',
  'Hello', ' world', 'the', 'naïve', 'Äpfel', 'ﬁ', 'İstanbul', 'ß', 'Ωμέγα', 'русский', 'עברית', 'العربية', 'हिन्दी',
  '日本語', '中文字符', '한국어', 'ไทย', 'e\u0301', '\u0301', 'x\u200dy', '\ufeff', '\u200b',
  '🦙', '👍🏽', '👨‍👩‍👧', '🇫🇷', '𝕳𝖊𝖑𝖑𝖔', '𝟘𝟙', '𐍈', '\u{10ffff}', '\u{e0041}', '\u{1f9d1}\u{200d}\u{1f4bb}',
  'function f(x) { return x * 2; }', '    if (a && b) {\n        c();\n    }', '<|eot_id|>', '<s>', '</s>', '[INST]',
  '#include <stdio.h>', '$$\\frac{a}{b}$$', 'http://example.com/a?b=c&d=e', '!!!', '...', '--', '==>', '"quoted"', '(paren)',
];

/** A random code point from the whole range (surrogates excluded), biased towards assigned blocks. */
function randomCodePoint(rng: Rng): number {
  const r = rng.uniform();
  if (r < 0.3) return 0x20 + rng.int(0x60);
  if (r < 0.6) return rng.int(0xd800);
  if (r < 0.7) return 0xe000 + rng.int(0x2000);
  if (r < 0.9) return 0x10000 + rng.int(0x20000);
  return 0x10000 + rng.int(0x100000);
}

export function randomStrings(seed: number, count: number): string[] {
  const rng = new Rng(seed);
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    let s = '';
    const n = 1 + rng.int(12);
    for (let i = 0; i < n; i++) {
      if (rng.uniform() < 0.6) s += PARTS[rng.int(PARTS.length)];
      else s += String.fromCodePoint(randomCodePoint(rng));
    }
    out.push(s);
  }
  return out;
}
