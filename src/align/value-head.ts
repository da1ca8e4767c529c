// PPO's critic: a scalar head on the policy's trunk (InstructGPT and TRL's AutoModelForCausalLMWithValueHead put
// the value head on the policy; Llama 2 §3.2.3 does not say). V(s_t) = w·h_t + b, read from the same final hidden
// state that predicts token t, so one forward pass gives both log π and V. Its parameters are a separate set, so
// the exported policy stays a plain Llama. Initialised to zero: V = 0 until the critic has learnt something, which
// makes the first advantages the (whitened, KL-penalised) returns themselves.
import * as T from '../tensor/index.js';
import type { Tensor } from '../tensor/index.js';

export class ValueHead {
  readonly params: T.ParameterSet;

  constructor(readonly dim: number) {
    this.params = new T.ParameterSet([{ name: 'value_head.weight', shape: [1, dim] }, { name: 'value_head.bias', shape: [1] }]);
  }

  /** hidden [n, dim] → values [n]. */
  values(hidden: Tensor): Tensor {
    const v = T.linear(hidden, this.params.get('value_head.weight'));
    return T.reshape(T.add(v, this.params.get('value_head.bias')), [-1]);
  }
}
