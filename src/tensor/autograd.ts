// Reverse-mode automatic differentiation on a tape (the graph of GradNodes hanging off each tensor), and the
// memory scopes that give every step's buffers back to the pool.
//
//   tidy(() => { const loss = forward(...); backward(loss); return loss.item(); })
//
// - Ops record a GradNode on their output when grad mode is on and an input requires a gradient.
// - backward(loss) visits nodes in reverse topological order; each node adds its inputs' gradients into
//   `input.grad`. Leaf tensors (parameters) keep accumulating across calls — gradient accumulation over
//   micro-batches is just calling backward() again; zero the grads between optimizer steps.
// - Gradients of intermediate tensors are freed as soon as their node has used them; the intermediates
//   themselves (saved activations) are freed when the tidy scope ends.
// - noGrad(fn) runs fn without recording (inference).
import { LlamatsError, ShapeError } from '../util/errors.js';
import { kernels } from './backend.js';
import { empty, sameShape, scopeHook, zeros, type GradNode, type Tensor } from './tensor.js';

// ---- grad mode --------------------------------------------------------------------------------------------

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs fn with gradient recording off (inference, evaluation, reference models). */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** True when an op with these inputs must record a node. */
export function needsGrad(...inputs: (Tensor | null | undefined)[]): boolean {
  if (!gradEnabled) return false;
  for (const t of inputs) if (t && t.requiresGrad) return true;
  return false;
}

/**
 * Attaches a node to `out` when any input requires a gradient. `backward` receives the output's gradient
 * and must deliver gradients to the inputs with gradAdd / gradWrite / gradAccumulate below.
 */
export function record(out: Tensor, op: string, inputs: readonly (Tensor | null | undefined)[], backward: (gradOut: Tensor) => void): Tensor {
  if (!needsGrad(...inputs)) return out;
  out.requiresGrad = true;
  const node: GradNode = { op, inputs: inputs.map((t) => (t && t.requiresGrad ? t : null)), backward };
  out.node = node;
  return out;
}

// ---- delivering gradients ---------------------------------------------------------------------------------

function checkGradTarget(t: Tensor): void {
  if (t.grad && !sameShape(t.grad.shape, t.shape)) throw new ShapeError('backward', `grad of ${t}`, t.shape, t.grad.shape);
}

/**
 * A new gradient buffer for t. A leaf's gradient outlives the tidy scope of the step that made it (the optimizer
 * reads it afterwards), so it is allocated outside any scope; an intermediate's gradient is pooled and freed by
 * backward() as soon as its node has used it.
 */
function newGrad(t: Tensor, zero: boolean): Tensor {
  if (t.node) return zero ? zeros(t.shape) : empty(t.shape);
  return outsideScopes(() => zeros(t.shape));
}

/** fn ADDS its contribution into dst (a zeroed buffer is created on first use). */
export function gradAdd(t: Tensor | null, fn: (dst: Float32Array) => void): void {
  if (!t || !t.requiresGrad) return;
  checkGradTarget(t);
  if (!t.grad) t.grad = newGrad(t, true);
  fn(gradData(t));
}

/** fn OVERWRITES dst with its contribution (written directly on first use, via a temporary afterwards). */
export function gradWrite(t: Tensor | null, fn: (dst: Float32Array) => void): void {
  if (!t || !t.requiresGrad) return;
  checkGradTarget(t);
  if (!t.grad) {
    t.grad = newGrad(t, false);
    fn(gradData(t));
    return;
  }
  const tmp = empty(t.shape);
  fn(tmp.data);
  kernels().add(gradData(t), gradData(t), tmp.data, t.size);
  tmp.dispose();
}

/** fn writes (accumulate = false) or adds (accumulate = true) — for kernels with an accumulate flag (matmul). */
export function gradAccumulate(t: Tensor | null, fn: (dst: Float32Array, accumulate: boolean) => void): void {
  if (!t || !t.requiresGrad) return;
  checkGradTarget(t);
  if (!t.grad) {
    t.grad = newGrad(t, false);
    fn(gradData(t), false);
  } else {
    fn(gradData(t), true);
  }
}

function gradData(t: Tensor): Float32Array {
  const g = t.grad!;
  return g.data.subarray(g.offset, g.offset + g.size);
}

// ---- backward ---------------------------------------------------------------------------------------------

/**
 * Backpropagates from `root` (a scalar loss, or any tensor with an explicit `gradient` of its shape).
 * After the call, every leaf that requires a gradient holds d(root)/d(leaf) added into its `.grad`.
 */
export function backward(root: Tensor, gradient?: Tensor): void {
  if (!root.requiresGrad) throw new LlamatsError(`backward: ${root} does not require a gradient (was it computed under noGrad?)`);
  if (!gradient && root.size !== 1) throw new ShapeError('backward', 'root without explicit gradient', 'a scalar', root.shape);
  // Topological order by iterative DFS (models are deep; avoid recursion limits).
  const order: Tensor[] = [];
  const visited = new Set<number>();
  const stack: [Tensor, number][] = [[root, 0]];
  visited.add(root.id);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [t, i] = top;
    const inputs = t.node?.inputs ?? [];
    if (i < inputs.length) {
      top[1]++;
      const child = inputs[i];
      if (child && child.node && !visited.has(child.id)) {
        visited.add(child.id);
        stack.push([child, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  // Seed.
  if (gradient) {
    if (!sameShape(gradient.shape, root.shape)) throw new ShapeError('backward', 'gradient', root.shape, gradient.shape);
    gradAdd(root, (dst) => dst.set(gradient.isContiguous ? gradient.data.subarray(gradient.offset, gradient.offset + gradient.size) : gradient.toFloat32Array()));
  } else {
    gradAdd(root, (dst) => (dst[0] = dst[0]! + 1));
  }
  for (let k = order.length - 1; k >= 0; k--) {
    const t = order[k]!;
    const node = t.node!;
    const g = t.grad;
    if (g) node.backward(g);
    // The tape is used once: free this node's output gradient and drop the closure (and what it saved).
    t.node = null;
    if (g) {
      t.grad = null;
      g.dispose();
    }
  }
}

// ---- memory scopes ----------------------------------------------------------------------------------------

const scopes: Set<Tensor>[] = [];

scopeHook.active = () => scopes.length > 0;
scopeHook.onCreate = (t) => {
  scopes[scopes.length - 1]?.add(t);
};

/**
 * Runs fn; every pooled tensor created inside and not returned (a Tensor, or Tensors inside a returned array or
 * plain object) is disposed when fn returns. Returned tensors move to the enclosing scope.
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } finally {
    scopes.pop();
  }
  const keep = new Set<Tensor>();
  collectTensors(result, keep, 0);
  const outer = scopes[scopes.length - 1];
  for (const t of scope) {
    if (keep.has(t) || isViewOfKept(t, keep)) outer?.add(t);
    else t.dispose();
  }
  return result;
}

/** Runs fn with no tidy scope active: tensors it makes are garbage-collected, not pooled. */
export function outsideScopes<T>(fn: () => T): T {
  const saved = scopes.splice(0, scopes.length);
  try {
    return fn();
  } finally {
    scopes.push(...saved);
  }
}

/** Keeps a tensor alive past the end of the current tidy scope (it is then the caller's to dispose). */
export function keep<T extends Tensor>(t: T): T {
  for (const s of scopes) s.delete(t);
  let b = t.base;
  while (b) {
    for (const s of scopes) s.delete(b);
    b = b.base;
  }
  return t;
}

function isViewOfKept(t: Tensor, kept: Set<Tensor>): boolean {
  for (const k of kept) {
    let b = k.base;
    while (b) {
      if (b === t) return true;
      b = b.base;
    }
  }
  return false;
}

function collectTensors(v: unknown, out: Set<Tensor>, depth: number): void {
  if (depth > 4 || v === null || typeof v !== 'object') return;
  if (isTensor(v)) {
    out.add(v);
    return;
  }
  if (Array.isArray(v)) for (const x of v) collectTensors(x, out, depth + 1);
  else if (Object.getPrototypeOf(v) === Object.prototype) for (const x of Object.values(v)) collectTensors(x, out, depth + 1);
}

function isTensor(v: object): v is Tensor {
  return 'shape' in v && 'strides' in v && 'data' in v && 'node' in v;
}
