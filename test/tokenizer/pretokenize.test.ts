// The hand-written Llama 3 scanner against the pattern run by the JS regex engine (with \s as Unicode
// White_Space), on hand-picked and random strings; the known JS-vs-reference differences are pinned.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LLAMA3_SPLIT_REGEX, splitLlama3Pieces } from '../../src/tokenizer/pretokenize.js';
import { randomStrings } from './random-strings.js';

const viaRegex = (s: string) => s.match(LLAMA3_SPLIT_REGEX) ?? [];

test('scanner equals the regex on hand-picked cases', () => {
  const cases: Array<[string, string[]]> = [
    ['Hello world', ['Hello', ' world']],
    ["x's 'S 'LL", ['x', "'s", " '", 'S', " '", 'LL']],
    ['123456 7', ['123', '456', ' ', '7']],
    ['a\n\n  b', ['a', '\n\n', ' ', ' b']],
    ['  hello', [' ', ' hello']],
    [' (hello', [' (', 'hello']],
    ["!!'s", ["!!'", 's']],
    ['\tx', ['\tx']],
    ['a  ', ['a', '  ']],
    ['\u0085\u0085x', ['\u0085', '\u0085x']], // U+0085 is White_Space (not JS \s)
    ['a\ufeffb', ['a', '\ufeffb']], // U+FEFF is not White_Space (it is JS \s)
    ["'\u017fx", ["'\u017f", 'x']], // long s folds to s, as in tiktoken
  ];
  for (const [s, want] of cases) {
    assert.deepEqual(splitLlama3Pieces(s), want, JSON.stringify(s));
    assert.deepEqual(viaRegex(s), want, `regex ${JSON.stringify(s)}`);
  }
});

test('scanner equals the regex on random strings from every plane; pieces cover the text', () => {
  for (const s of randomStrings(7, 3000)) {
    const pieces = splitLlama3Pieces(s);
    assert.deepEqual(pieces, viaRegex(s), JSON.stringify(s));
    assert.equal(pieces.join(''), s);
  }
});
