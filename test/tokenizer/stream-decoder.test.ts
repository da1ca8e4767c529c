// Streaming detokenization: pushing ids one by one yields the same text as decode, and never a partial
// UTF-8 character (byte-fallback and byte-level pieces of one character are held until it completes).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { llama2, llama3 } from './fixtures.js';
import { randomStrings } from './random-strings.js';

test('stream of pushes equals decode; each chunk is well-formed', () => {
  for (const t of [llama2(), llama3()]) {
    for (const s of randomStrings(11, 200)) {
      const ids = t.encode(s, { bos: true });
      const d = t.decodeStream();
      let out = '';
      for (const id of ids) {
        const chunk = d.push(id);
        assert.ok(!chunk.includes('\ufffd') || s.includes('\ufffd'), `no replacement char mid-stream for ${JSON.stringify(s)}`);
        out += chunk;
      }
      assert.equal(out + d.flush(), t.decode(ids));
    }
  }
});

test('llama2: a byte-fallback emoji comes out whole on its last byte; incomplete bytes flush as U+FFFD', () => {
  const t = llama2();
  const ids = t.encode('🦙'); // ▁ then <0xF0> <0x9F> <0xA6> <0x99>
  assert.deepEqual(ids.slice(-4).map((id) => t.idToPiece(id)), ['<0xF0>', '<0x9F>', '<0xA6>', '<0x99>']);
  const d = t.decodeStream();
  assert.deepEqual(ids.map((id) => d.push(id)), ['', '', '', '', '🦙']);
  const e = t.decodeStream();
  e.push(ids[1]!);
  assert.equal(e.flush(), '\ufffd');
});
