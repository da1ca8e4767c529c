// The frozen reference policy: DPO's π_ref (Llama 3 §4.1.4) and PPO's π_0 (Llama 2 §3.2.3) are a copy of the
// policy taken when the stage starts. It is an argument of the stages, never a flag on the policy (style.md), and
// its parameters do not require gradients, so nothing it computes is recorded on the tape.
import { Llama } from '../model/llama.js';

export function frozenCopy(model: Llama): Llama {
  const copy = new Llama(model.config);
  copy.params.data.set(model.params.data);
  copy.params.setRequiresGrad(false);
  return copy;
}

/** A trainable copy (a new policy that starts where `model` is). */
export function trainableCopy(model: Llama): Llama {
  const copy = new Llama(model.config);
  copy.params.data.set(model.params.data);
  return copy;
}
