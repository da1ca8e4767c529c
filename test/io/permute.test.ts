import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hfToMetaRows, metaToHfRows } from '../../src/io/hf/permute.js';
import { Rng } from '../../src/util/rng.js';
import { ShapeError } from '../../src/util/errors.js';

// Rows of one byte each, labelled by their index: the output lists which input row landed where.
const rows = (n: number) => Uint8Array.from({ length: n }, (_, i) => i);

test('Meta → HF, one head, hd = 4 by hand: HF row j·hd/2 + i = Meta row 2i + j', () => {
  // HF 0 = Meta 0 (i0 j0), HF 1 = Meta 2 (i1 j0), HF 2 = Meta 1 (i0 j1), HF 3 = Meta 3 (i1 j1)
  assert.deepEqual(Array.from(metaToHfRows(rows(4), 1, 4, 1)), [0, 2, 1, 3]);
});

test('Meta → HF, one head, hd = 6 by hand: even rows first, then odd rows', () => {
  assert.deepEqual(Array.from(metaToHfRows(rows(6), 1, 6, 1)), [0, 2, 4, 1, 3, 5]);
});

test('both directions match the reference converters (torch, 2 heads, hd = 6)', () => {
  // HF convert_llama_weights_to_hf `permute` = w.view(n, hd/2, 2, d).transpose(1, 2).reshape(n·hd, d), and
  // llama.cpp LlamaModel.permute = w.reshape(n, 2, hd/2, d).swapaxes(1, 2).reshape(w.shape), run with
  // torch 1.13 on arange(12):
  assert.deepEqual(Array.from(metaToHfRows(rows(12), 2, 6, 1)), [0, 2, 4, 1, 3, 5, 6, 8, 10, 7, 9, 11]);
  assert.deepEqual(Array.from(hfToMetaRows(rows(12), 2, 6, 1)), [0, 3, 1, 4, 2, 5, 6, 9, 7, 10, 8, 11]);
});

test('the two directions are inverse on random multi-byte rows', () => {
  const rng = new Rng(3);
  for (const [n, hd, rowBytes] of [[4, 16, 8], [8, 128, 34], [2, 64, 3]] as const) {
    const x = Uint8Array.from({ length: n * hd * rowBytes }, () => rng.int(256));
    assert.deepEqual(hfToMetaRows(metaToHfRows(x, n, hd, rowBytes), n, hd, rowBytes), x);
    assert.deepEqual(metaToHfRows(hfToMetaRows(x, n, hd, rowBytes), n, hd, rowBytes), x);
    assert.notDeepEqual(metaToHfRows(x, n, hd, rowBytes), x);
  }
});

test('a buffer that is not n·hd rows is a ShapeError', () => {
  assert.throws(() => metaToHfRows(rows(10), 2, 6, 1), ShapeError);
  assert.throws(() => metaToHfRows(rows(5), 1, 5, 1), ShapeError);
});
