// Cross-entropy fused with log-sum-exp: the probabilities are never stored, the backward recomputes them from
// lse, and may overwrite the logits with their gradient (saving a B·T·V buffer).
import type { I32 } from '../kernels.js';
import { checkDim, checkLen } from './check.js';
import type { Floats } from './floats.js';

interface CeDims {
  N: number;
  V: number;
  ignoreIndex: number;
}

function checkTargets(op: string, targets: I32, d: CeDims): void {
  checkDim(op, 'N', d.N);
  checkDim(op, 'V', d.V, 1);
  checkLen(op, 'targets', targets, d.N);
  for (let n = 0; n < d.N; n++) {
    const t = targets[n];
    if (t !== d.ignoreIndex && !(t >= 0 && t < d.V)) throw new RangeError(`${op}: targets[${n}] = ${t} is outside [0, ${d.V})`);
  }
}

export function crossEntropyForward(losses: Floats, lse: Floats, logits: Floats, targets: I32, d: CeDims): void {
  const { N, V, ignoreIndex } = d;
  checkTargets('crossEntropyForward', targets, d);
  for (const [name, a, len] of [['losses', losses, N], ['lse', lse, N], ['logits', logits, N * V]] as const) checkLen('crossEntropyForward', name, a, len);
  for (let n = 0; n < N; n++) {
    const o = n * V;
    let max = -Infinity;
    for (let v = 0; v < V; v++) max = Math.max(max, logits[o + v]);
    let sum = 0;
    for (let v = 0; v < V; v++) sum += Math.exp(logits[o + v] - max);
    const l = max + Math.log(sum);
    lse[n] = l;
    losses[n] = targets[n] === ignoreIndex ? 0 : l - logits[o + targets[n]];
  }
}

/** dlogits[n, v] = dloss[n]·(softmax − onehot(target)); zero rows for the ignore index. */
export function crossEntropyBackward(dlogits: Floats, logits: Floats, lse: Floats, targets: I32, dloss: Floats, d: CeDims): void {
  const { N, V, ignoreIndex } = d;
  checkTargets('crossEntropyBackward', targets, d);
  for (const [name, a, len] of [['dlogits', dlogits, N * V], ['logits', logits, N * V], ['lse', lse, N], ['dloss', dloss, N]] as const) checkLen('crossEntropyBackward', name, a, len);
  for (let n = 0; n < N; n++) {
    const o = n * V;
    const t = targets[n];
    if (t === ignoreIndex) {
      dlogits.fill(0, o, o + V);
      continue;
    }
    const g = dloss[n];
    const l = lse[n];
    for (let v = 0; v < V; v++) dlogits[o + v] = g * (Math.exp(logits[o + v] - l) - (v === t ? 1 : 0));
  }
}
