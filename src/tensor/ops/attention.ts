// Causal grouped-query self-attention, fused (FlashAttention-style online softmax in the kernel), with the
// optional document mask of Llama 3 §3.2: tokens attend only to earlier tokens of the same document.
import { ShapeError } from '../../util/errors.js';
import { gradWrite, record } from '../autograd.js';
import { kernels } from '../backend.js';
import { empty, Tensor } from '../tensor.js';
import { contiguous } from './views.js';

const dense = (t: Tensor) => t.data.subarray(t.offset, t.offset + t.size);

export interface AttentionOptions {
  /** Document id per key position [B, S]; queries attend only within their document. */
  segIds?: Int32Array | null;
  /** Softmax scale; default 1/sqrt(headDim). */
  scale?: number;
}

/**
 * q [B, T, H, hd], k and v [B, S, KVH, hd] with S ≥ T; query t sits at absolute position S − T + t.
 * Returns [B, T, H, hd].
 */
export function attention(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions = {}): Tensor {
  if (q.ndim !== 4 || k.ndim !== 4 || v.ndim !== 4) throw new ShapeError('attention', 'q, k, v', '4-D [B, T, heads, headDim]', `${q.shape}; ${k.shape}; ${v.shape}`);
  const [B, T, H, hd] = q.shape as [number, number, number, number];
  const [Bk, S, KVH, hdk] = k.shape as [number, number, number, number];
  if (Bk !== B || hdk !== hd || S < T) throw new ShapeError('attention', 'k', `[${B}, ≥${T}, kvHeads, ${hd}]`, k.shape);
  if (v.shape.join() !== k.shape.join()) throw new ShapeError('attention', 'v', k.shape, v.shape);
  if (H % KVH !== 0) throw new ShapeError('attention', 'kv heads', `a divisor of ${H}`, `${KVH}`);
  const segIds = opts.segIds ?? null;
  if (segIds && segIds.length !== B * S) throw new ShapeError('attention', 'segIds', `${B * S}`, `${segIds.length}`);
  const qc = contiguous(q);
  const kc = contiguous(k);
  const vc = contiguous(v);
  const out = empty(q.shape);
  const lse = empty([B, H, T]);
  const d = { B, T, S, H, KVH, headDim: hd, scale: opts.scale ?? 1 / Math.sqrt(hd) };
  const kern = kernels();
  kern.attentionForward(out.data, lse.data, dense(qc), dense(kc), dense(vc), segIds, d);
  return record(out, 'attention', [qc, kc, vc], (g) => {
    // One kernel call yields dq, dk, dv; route them to whichever inputs need gradients.
    const dq = new Float32Array(qc.size);
    const dk = new Float32Array(kc.size);
    const dv = new Float32Array(vc.size);
    kern.attentionBackward(dq, dk, dv, dense(g), dense(qc), dense(kc), dense(vc), out.data, lse.data, segIds, d);
    gradWrite(qc, (dst) => dst.set(dq));
    gradWrite(kc, (dst) => dst.set(dk));
    gradWrite(vc, (dst) => dst.set(dv));
  });
}
