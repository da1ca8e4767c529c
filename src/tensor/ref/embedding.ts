// Token embedding lookup and its backward (a scatter-add in increasing n, so the result is deterministic).
import type { I32 } from '../kernels.js';
import { checkDim, checkLen } from './check.js';
import type { Floats } from './floats.js';

function checkIds(op: string, ids: I32, N: number, rows: number): void {
  checkDim(op, 'N', N);
  checkLen(op, 'ids', ids, N);
  for (let n = 0; n < N; n++) {
    if (!(ids[n] >= 0 && ids[n] < rows)) throw new RangeError(`${op}: ids[${n}] = ${ids[n]} is outside the table's ${rows} rows`);
  }
}

export function embeddingForward(out: Floats, table: Floats, ids: I32, d: { N: number; C: number }): void {
  const { N, C } = d;
  checkLen('embeddingForward', 'out', out, N * C);
  checkIds('embeddingForward', ids, N, C > 0 ? Math.floor(table.length / C) : Infinity);
  for (let n = 0; n < N; n++) {
    const src = ids[n] * C;
    for (let c = 0; c < C; c++) out[n * C + c] = table[src + c];
  }
}

/** dtable[ids[n], :] += dout[n, :]. */
export function embeddingBackward(dtable: Floats, dout: Floats, ids: I32, d: { N: number; C: number }): void {
  const { N, C } = d;
  checkLen('embeddingBackward', 'dout', dout, N * C);
  checkIds('embeddingBackward', ids, N, C > 0 ? Math.floor(dtable.length / C) : Infinity);
  for (let n = 0; n < N; n++) {
    const dst = ids[n] * C;
    for (let c = 0; c < C; c++) dtable[dst + c] += dout[n * C + c];
  }
}
