// Token embedding lookup: rows of the table gathered by token id; the backward scatters rows back (in token
// order, so the sum is deterministic). Also used to pick hidden states at given rows (reward-model heads read
// the last token of each sequence).
import { ShapeError } from '../../util/errors.js';
import { gradAdd, record } from '../autograd.js';
import { kernels } from '../backend.js';
import { empty, Tensor } from '../tensor.js';
import { contiguous } from './views.js';

const dense = (t: Tensor) => t.data.subarray(t.offset, t.offset + t.size);

/** table [V, C], ids (any shape S, values in [0, V)) → [...S, C] */
export function embedding(table: Tensor, ids: Int32Array, idsShape: readonly number[] = [ids.length]): Tensor {
  if (table.ndim !== 2) throw new ShapeError('embedding', 'table', '[vocab, dim]', table.shape);
  const [V, C] = table.shape as [number, number];
  const N = ids.length;
  if (idsShape.reduce((a, b) => a * b, 1) !== N) throw new ShapeError('embedding', 'ids shape', `${N} ids`, idsShape);
  for (let i = 0; i < N; i++) {
    const id = ids[i]!;
    if (!(id >= 0 && id < V)) throw new ShapeError('embedding', `token id at ${i}`, `in [0, ${V})`, `${id}`);
  }
  const tc = contiguous(table);
  const out = empty([...idsShape, C]);
  const k = kernels();
  k.embeddingForward(out.data, dense(tc), ids, { N, C });
  return record(out, 'embedding', [tc], (g) => gradAdd(tc, (dt) => k.embeddingBackward(dt, dense(g), ids, { N, C })));
}

/** x [N, C] → rows x[index[i]] as [n, C]. */
export function gatherRows(x: Tensor, index: Int32Array): Tensor {
  if (x.ndim !== 2) throw new ShapeError('gatherRows', 'input', '[rows, cols]', x.shape);
  return embedding(x, index, [index.length]);
}
