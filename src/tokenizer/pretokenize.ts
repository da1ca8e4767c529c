// The Llama 3 pre-tokenizer: splits text into the pieces that BPE then merges within (meta/llama3 tokenizer.py,
// the same pattern as tiktoken's cl100k_base; recipe §3):
//
//   (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
//
// `splitLlama3` is a hand-written scanner equivalent to that regex (leftmost alternative wins, as in the regex
// engine), about 3× faster than running the regex. `LLAMA3_SPLIT_REGEX` is the same pattern in JS syntax and is the
// oracle for the scanner in tests. Two details follow the reference engines (Rust regex in tiktoken, Oniguruma in
// HF tokenizers, llama.cpp's tables) rather than JS:
//  - `\s` is Unicode White_Space: it includes U+0085 and excludes U+FEFF (JS `\s` does the opposite);
//  - `(?i:'s)` uses Unicode simple case folding, so `'ſ` (U+017F, long s) is a contraction, as in tiktoken.
// Lone surrogates are neither letters, digits nor space (they are encoded as U+FFFD bytes later).

/** Character classes of the pattern. NEWLINE (\r, \n) is also whitespace. */
export const enum CharClass { Other = 0, Letter = 1, Number = 2, Space = 3, Newline = 4 }

const isLetter = /^\p{L}$/u;
const isNumber = /^\p{N}$/u;
// Unicode White_Space (PropList.txt), not JS \s: see the header.
const WHITE_SPACE = [0x9, 0xa, 0xb, 0xc, 0xd, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005,
  0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000];

let bmp: Uint8Array | undefined;
const astral = new Map<number, CharClass>();

function classifySlow(cp: number): CharClass {
  if (cp === 0x0a || cp === 0x0d) return CharClass.Newline;
  if (WHITE_SPACE.includes(cp)) return CharClass.Space;
  if (cp >= 0xd800 && cp <= 0xdfff) return CharClass.Other; // lone surrogate
  const ch = String.fromCodePoint(cp);
  if (isLetter.test(ch)) return CharClass.Letter;
  if (isNumber.test(ch)) return CharClass.Number;
  return CharClass.Other;
}

/** Class table for the Basic Multilingual Plane, built once on first use (~10 ms). */
function bmpTable(): Uint8Array {
  if (bmp) return bmp;
  bmp = new Uint8Array(0x10000);
  for (let cp = 0; cp < 0x10000; cp++) bmp[cp] = classifySlow(cp);
  return bmp;
}

export function charClass(cp: number): CharClass {
  if (cp < 0x10000) return bmpTable()[cp] as CharClass;
  let c = astral.get(cp);
  if (c === undefined) astral.set(cp, (c = classifySlow(cp)));
  return c;
}

// Unicode White_Space as a regex class body, and the pattern in JS syntax with it in place of \s (see the header).
const WS = String.raw`\t-\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000`;
export const LLAMA3_SPLIT_REGEX = new RegExp(
  String.raw`'(?:[sS\u017f]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}` +
    String.raw`| ?[^${WS}\p{L}\p{N}]+[\r\n]*|[${WS}]*[\r\n]+|[${WS}]+(?![^${WS}])|[${WS}]+`,
  'gu',
);

/** Length of a contraction (`'s`, `'ll`, …, any case) starting at i (text[i] is `'`), or 0. */
function contractionLength(text: string, i: number): number {
  const a = text.charCodeAt(i + 1) | 0x20; // ASCII lower case; non-letters never match below
  if (a === 0x73 || a === 0x74 || a === 0x6d || a === 0x64) return 2; // s t m d
  if (text.charCodeAt(i + 1) === 0x17f) return 2; // ſ folds to s
  const b = text.charCodeAt(i + 2) | 0x20;
  if ((a === 0x72 && b === 0x65) || (a === 0x76 && b === 0x65) || (a === 0x6c && b === 0x6c)) return 3; // re ve ll
  return 0;
}

/**
 * Calls `emit(start, end)` for each piece of `text` (UTF-16 offsets), in order; pieces cover the text exactly.
 * Each branch below is one alternative of the pattern, tried in the pattern's order.
 */
export function splitLlama3(text: string, emit: (start: number, end: number) => void): void {
  const n = text.length;
  const table = bmpTable();
  // Class and width (1 or 2 code units) of the character at position p.
  let w = 1;
  const cls = (p: number): CharClass => {
    const c = text.charCodeAt(p);
    if (c < 0xd800 || c > 0xdbff || p + 1 >= n) { w = 1; return table[c] as CharClass; }
    const d = text.charCodeAt(p + 1);
    if (d < 0xdc00 || d > 0xdfff) { w = 1; return CharClass.Other; }
    w = 2;
    return charClass(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000);
  };
  let i = 0;
  while (i < n) {
    const start = i;
    const c0 = cls(i);
    const w0 = w;
    // 1. (?i:'s|'t|'re|'ve|'m|'ll|'d)
    if (text.charCodeAt(i) === 0x27) {
      const k = contractionLength(text, i);
      if (k > 0) { emit(start, i + k); i += k; continue; }
    }
    // 2. [^\r\n\p{L}\p{N}]?\p{L}+
    let j = i;
    if (c0 === CharClass.Letter) j = i + w0;
    else if (c0 !== CharClass.Newline && c0 !== CharClass.Number && i + w0 < n && cls(i + w0) === CharClass.Letter) j = i + w0 + w;
    if (j > i) {
      while (j < n && cls(j) === CharClass.Letter) j += w;
      emit(start, j); i = j; continue;
    }
    // 3. \p{N}{1,3}
    if (c0 === CharClass.Number) {
      j = i + w0;
      for (let k = 1; k < 3 && j < n && cls(j) === CharClass.Number; k++) j += w;
      emit(start, j); i = j; continue;
    }
    // 4. ' ?[^\s\p{L}\p{N}]+[\r\n]*'
    j = i;
    if (text.charCodeAt(j) === 0x20 && j + 1 < n && cls(j + 1) === CharClass.Other) j += 1;
    if (cls(j) === CharClass.Other) {
      while (j < n && cls(j) === CharClass.Other) j += w;
      while (j < n && (text.charCodeAt(j) === 0x0a || text.charCodeAt(j) === 0x0d)) j++;
      emit(start, j); i = j; continue;
    }
    // Whitespace run [i, e): every remaining case starts with whitespace (c0 is Space or Newline).
    let e = i;
    let lastNewline = -1;
    while (e < n) {
      const c = cls(e);
      if (c === CharClass.Newline) lastNewline = e;
      else if (c !== CharClass.Space) break;
      e += w;
    }
    // 5. \s*[\r\n]+ : up to and including the last newline of the run.
    if (lastNewline >= 0) { emit(start, lastNewline + 1); i = lastNewline + 1; continue; }
    // 6. \s+(?!\S) : the whole run at the end of the text, else all but its last character (which then joins
    //    the next piece, e.g. the space of " word"). Whitespace characters are all one code unit wide.
    if (e === n || e - i === 1) { emit(start, e); i = e; continue; }
    // 7. \s+ is reached only for a run of one character, handled above.
    emit(start, e - 1); i = e - 1;
  }
}

/** The pieces as strings (tests, the trainer). */
export function splitLlama3Pieces(text: string): string[] {
  const out: string[] = [];
  splitLlama3(text, (s, e) => out.push(text.slice(s, e)));
  return out;
}
