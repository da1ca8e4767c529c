// Matrix products. `linear` is the one the model uses (y = x·Wᵀ with W stored [out, in], as in PyTorch and
// GGUF); `matmul` is the general batched product. Transposed views are passed to the kernel as transpose flags,
// never copied.
import { ShapeError } from '../../util/errors.js';
import { gradAccumulate, record } from '../autograd.js';
import { kernels } from '../backend.js';
import { empty, Tensor } from '../tensor.js';
import { contiguous } from './views.js';

function dataOf(t: Tensor): Float32Array {
  return t.data.subarray(t.offset);
}

/** y[..., N] = x[..., K] · w[N, K]ᵀ */
export function linear(x: Tensor, w: Tensor): Tensor {
  if (w.ndim !== 2) throw new ShapeError('linear', 'weight', '[out, in]', w.shape);
  const [N, K] = w.shape as [number, number];
  if (x.shape[x.ndim - 1] !== K) throw new ShapeError('linear', `input ${x} last dim (weight ${w})`, `${K}`, `${x.shape[x.ndim - 1]}`);
  const xc = contiguous(x);
  const wc = contiguous(w);
  const M = xc.size / K;
  const out = empty([...x.shape.slice(0, -1), N]);
  const k = kernels();
  k.matmul(out.data, dataOf(xc), dataOf(wc), { M, K, N, transA: false, transB: true, accumulate: false });
  return record(out, 'linear', [xc, wc], (g) => {
    // dx[M,K] = g[M,N]·w[N,K];  dw[N,K] += g[M,N]ᵀ·x[M,K]
    gradAccumulate(xc, (dx, accumulate) => k.matmul(dx, g.data, dataOf(wc), { M, K: N, N: K, transA: false, transB: false, accumulate }));
    gradAccumulate(wc, (dw, accumulate) => k.matmul(dw, g.data, dataOf(xc), { M: N, K: M, N: K, transA: true, transB: false, accumulate }));
  });
}

/** How a 2-D (or batched last-two-dims) operand is laid out for the kernel. */
function layout(t: Tensor): { data: Tensor; trans: boolean } {
  const nd = t.ndim;
  const [r, c] = [t.shape[nd - 2]!, t.shape[nd - 1]!];
  const [sr, sc] = [t.strides[nd - 2]!, t.strides[nd - 1]!];
  const batchDense = nd === 2 || t.strides.slice(0, -2).every((s, i) => s === t.shape.slice(i + 1).reduce((a, b) => a * b, 1));
  if (batchDense && (sc === 1 || c === 1) && (sr === c || r === 1)) return { data: t, trans: false };
  if (batchDense && (sr === 1 || r === 1) && (sc === r || c === 1)) return { data: t, trans: true };
  return { data: contiguous(t), trans: false };
}

/**
 * a[..., M, K] · b[..., K, N]. Batch dimensions must match, or b may be 2-D (shared by every batch entry).
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim < 2 || b.ndim < 2) throw new ShapeError('matmul', 'operands', 'at least 2-D', `${a.shape} and ${b.shape}`);
  const M = a.shape[a.ndim - 2]!;
  const K = a.shape[a.ndim - 1]!;
  const N = b.shape[b.ndim - 1]!;
  if (b.shape[b.ndim - 2] !== K) throw new ShapeError('matmul', 'inner dimensions', `${K}`, `${b.shape[b.ndim - 2]}`);
  const batchShape = a.shape.slice(0, -2);
  const batch = batchShape.reduce((x, y) => x * y, 1);
  const bBatch = b.ndim === 2 ? 1 : b.shape.slice(0, -2).reduce((x, y) => x * y, 1);
  if (b.ndim > 2 && (bBatch !== batch || b.ndim !== a.ndim)) throw new ShapeError('matmul', 'batch dimensions', batchShape, b.shape.slice(0, -2));
  const la = layout(a);
  const lb = layout(b);
  const out = empty([...batchShape, M, N]);
  const strideB = b.ndim === 2 ? 0 : K * N;
  const k = kernels();
  k.matmul(out.data, dataOf(la.data), dataOf(lb.data), { M, K, N, transA: la.trans, transB: lb.trans, accumulate: false, batch, strideA: M * K, strideB, strideC: M * N });
  return record(out, 'matmul', [la.data, lb.data], (g) => {
    // Gradients are dense in each operand's logical shape (a transposed view's gradient is [M, K] even when its
    // storage is [K, M]; the transpose node maps it back): dA = g·op(B)ᵀ, dB = op(A)ᵀ·g (summed over the batch
    // when B is shared).
    gradAccumulate(la.data, (dA, accumulate) =>
      k.matmul(dA, g.data, dataOf(lb.data), { M, K: N, N: K, transA: false, transB: !lb.trans, accumulate, batch, strideA: M * N, strideB, strideC: M * K }),
    );
    gradAccumulate(lb.data, (dB, accumulate) => {
      if (strideB !== 0) {
        k.matmul(dB, dataOf(la.data), g.data, { M: K, K: M, N, transA: !la.trans, transB: false, accumulate, batch, strideA: M * K, strideB: M * N, strideC: K * N });
        return;
      }
      for (let i = 0; i < batch; i++) {
        const ai = dataOf(la.data).subarray(i * M * K);
        k.matmul(dB, ai, g.data.subarray(i * M * N), { M: K, K: M, N, transA: !la.trans, transB: false, accumulate: accumulate || i > 0 });
      }
    });
  });
}
