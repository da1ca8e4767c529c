// Cross-entropy and log-probabilities of chosen tokens, fused with the log-sum-exp so that probabilities over a
// 32K–128K vocabulary are never stored (the backward recomputes them from the saved lse).
//   crossEntropy → per-token loss, 0 where target = ignoreIndex (answer-only SFT masks, padding)
//   tokenLogProbs → log p(target) per token (PPO and DPO sequence log-probabilities)
import { ShapeError } from '../../util/errors.js';
import { gradAdd, gradWrite, record } from '../autograd.js';
import { kernels } from '../backend.js';
import { empty, Tensor } from '../tensor.js';
import { contiguous } from './views.js';

const dense = (t: Tensor) => t.data.subarray(t.offset, t.offset + t.size);

export const IGNORE_INDEX = -100;

function check(op: string, logits: Tensor, targets: Int32Array): { N: number; V: number } {
  const V = logits.shape[logits.ndim - 1]!;
  const N = logits.size / V;
  if (targets.length !== N) throw new ShapeError(op, 'targets', `${N} (one per row of logits)`, `${targets.length}`);
  for (let i = 0; i < N; i++) {
    const t = targets[i]!;
    if (t !== IGNORE_INDEX && !(t >= 0 && t < V)) throw new ShapeError(op, `target at ${i}`, `in [0, ${V}) or ${IGNORE_INDEX}`, `${t}`);
  }
  return { N, V };
}

function fused(op: string, logits: Tensor, targets: Int32Array, sign: 1 | -1): Tensor {
  const { N, V } = check(op, logits, targets);
  const lc = contiguous(logits);
  const losses = empty(logits.shape.slice(0, -1));
  const lse = empty([N]);
  const k = kernels();
  const d = { N, V, ignoreIndex: IGNORE_INDEX };
  k.crossEntropyForward(losses.data, lse.data, dense(lc), targets, d);
  if (sign === -1) k.scale(losses.data, losses.data, -1, N);
  return record(losses, op, [lc], (g) => {
    const dloss = sign === 1 ? dense(g) : negated(dense(g));
    if (lc.grad) gradAdd(lc, (dst) => {
      const tmp = new Float32Array(N * V);
      k.crossEntropyBackward(tmp, dense(lc), lse.data, targets, dloss, d);
      k.add(dst, dst, tmp, tmp.length);
    });
    else gradWrite(lc, (dst) => k.crossEntropyBackward(dst, dense(lc), lse.data, targets, dloss, d));
  });
}

function negated(a: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = -a[i]!;
  return out;
}

/** Per-token cross-entropy −log softmax(logits)[target]; logits [..., V], targets one per row. */
export function crossEntropy(logits: Tensor, targets: Int32Array): Tensor {
  return fused('crossEntropy', logits, targets, 1);
}

/** Per-token log softmax(logits)[target] (0 where target = IGNORE_INDEX). */
export function tokenLogProbs(logits: Tensor, targets: Int32Array): Tensor {
  return fused('tokenLogProbs', logits, targets, -1);
}
