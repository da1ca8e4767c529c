// Stop strings on streamed text: what is released at each step, worked out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StopStrings } from '../../src/generate/stop.js';

function run(stops: string[], deltas: string[]): { released: string[]; stopped: boolean; rest: string } {
  const s = new StopStrings(stops);
  const released: string[] = [];
  for (const d of deltas) {
    const r = s.push(d);
    released.push(r.text);
    if (r.stopped) return { released, stopped: true, rest: '' };
  }
  return { released, stopped: false, rest: s.flush() };
}

test('text that may start a stop string is held, and released when it does not', () => {
  assert.deepEqual(run(['END'], ['abc E', 'N', 'x']), { released: ['abc ', '', 'ENx'], stopped: false, rest: '' });
});

test('a completed stop string releases the text before it and nothing after it', () => {
  assert.deepEqual(run(['END'], ['abc E', 'N', 'D more']), { released: ['abc ', '', ''], stopped: true, rest: '' });
  assert.deepEqual(run(['END'], ['xxENDyy']), { released: ['xx'], stopped: true, rest: '' });
});

test('the earliest occurrence wins among several stop strings', () => {
  assert.deepEqual(run(['world', 'lo'], ['hello world']), { released: ['hel'], stopped: true, rest: '' });
  assert.deepEqual(run(['\n\n', 'User:'], ['A: hi', '\nUser: x']), { released: ['A: hi', '\n'], stopped: true, rest: '' });
});

test('held text comes out at the end of the stream when no stop string completes', () => {
  assert.deepEqual(run(['</s>'], ['a<', '/']), { released: ['a', ''], stopped: false, rest: '</' });
});

test('the longest possible prefix is held, across several partial matches', () => {
  // "aab" could start "aaba" at index 0 … hold all 3; then "c" rules it out.
  assert.deepEqual(run(['aaba', 'bx'], ['aab', 'c']), { released: ['', 'aabc'], stopped: false, rest: '' });
  // "xaab": "aab" could start "aaba", so only "x" is released; then "x" completes "bx" two characters in.
  assert.deepEqual(run(['aaba', 'bx'], ['xaab', 'x']), { released: ['x', 'aa'], stopped: true, rest: '' });
});

test('no stop strings: everything passes through at once', () => {
  assert.deepEqual(run([], ['a', 'b']), { released: ['a', 'b'], stopped: false, rest: '' });
});
