// The alignment losses against values worked out by hand (style.md: torchtune's test_dpo_loss.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../../src/tensor/index.js';
import { MARGINS, marginRankingLoss, orderedRankingLoss } from '../../../src/align/losses/margin-ranking.js';
import { dpoLoss, LLAMA3_DPO } from '../../../src/align/losses/dpo.js';
import { LLAMA2_PPO, ppoPolicyLoss, ppoValueLoss } from '../../../src/align/losses/ppo.js';

const close = (a: number, b: number, tol = 1e-5) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);
const softplus = (x: number) => Math.log1p(Math.exp(x));

test('margin ranking loss −log σ(r_c − r_r − m) with the Llama 2 margins', () => {
  T.tidy(() => {
    const chosen = T.tensor([2.0, 0.5]);
    const rejected = T.tensor([1.0, 0.5]);
    chosen.requiresGrad = true;
    const m = Float32Array.from([MARGINS.large.significantly_better, MARGINS.small.better]); // 3, 2/3
    const l = marginRankingLoss(chosen, rejected, m).toFloat32Array();
    // pair 0: d = 2 − 1 − 3 = −2 → −log σ(−2) = log(1 + e²) = 2.126928
    close(l[0]!, 2.126928);
    // pair 1: d = 0 − 2/3 → log(1 + e^{2/3}) = ln(2.947734) = 1.081037
    close(l[1]!, 1.081037);
    // gradient wrt r_c of pair 0: −σ(−d) = −σ(2) = −0.880797
    T.backward(T.sum(marginRankingLoss(chosen, rejected, m)));
    close(chosen.grad!.data[0]!, -0.880797);
  });
});

test('Llama 3 ranking edited > chosen > rejected sums the three ordered pairs', () => {
  T.tidy(() => {
    const s = T.tensor([3, 1, 0], [1, 3]);
    const l = orderedRankingLoss(s).item();
    close(l, softplus(-2) + softplus(-3) + softplus(-1));
  });
});

test('DPO loss, implicit rewards and the NLL term against a hand computation', () => {
  T.tidy(() => {
    const policy = { chosen: T.tensor([-10, -4]), rejected: T.tensor([-12, -3]) };
    policy.chosen.requiresGrad = true;
    const reference = { chosen: T.tensor([-11, -4]), rejected: T.tensor([-11, -4]) };
    const out = dpoLoss(LLAMA3_DPO, policy, reference, Float32Array.from([5, 2]));
    // pair 0: β·[(−10+11) − (−12+11)] = 0.1·2 = 0.2 → softplus(−0.2) = 0.598139; NLL 0.2·10/5 = 0.4
    // pair 1: β·[(0) − (−3+4)] = −0.1 → softplus(0.1) = 0.744397; NLL 0.2·4/2 = 0.4
    const l = out.losses.toFloat32Array();
    close(l[0]!, 0.598139 + 0.4);
    close(l[1]!, 0.744397 + 0.4);
    close(out.chosenRewards[0]!, 0.1);
    close(out.rejectedRewards[0]!, -0.1);
    // d/d logπ(y_w) of pair 0: −β·σ(−0.2) − 0.2/5 = −0.1·0.450166 − 0.04
    T.backward(T.sum(out.losses));
    close(policy.chosen.grad!.data[0]!, -0.0450166 - 0.04);
  });
});

test('PPO clipped surrogate and clipped value loss', () => {
  T.tidy(() => {
    // ratios e^{0.5} = 1.6487 (clipped to 1.2 for A > 0), e^{−0.5} = 0.6065 (clipped to 0.8 for A < 0 → min picks −0.8·…)
    const lp = T.tensor([0.5, -0.5]);
    lp.requiresGrad = true;
    const { loss, clipFraction } = ppoPolicyLoss(LLAMA2_PPO, lp, Float32Array.from([0, 0]), Float32Array.from([1, -1]));
    // token 0: min(1.6487·1, 1.2·1) = 1.2; token 1: min(0.6065·−1, 0.8·−1) = −0.8 → loss = −(1.2 − 0.8)/2 = −0.2
    close(loss.item(), -0.2);
    assert.equal(clipFraction, 1);
    T.backward(loss);
    // both tokens clipped → no gradient
    close(lp.grad!.data[0]!, 0);
    close(lp.grad!.data[1]!, 0);
    // value: V = [1, 0], old = [0, 0], returns = [0.5, 1]: unclipped (0.25, 1); clipped V = (0.2, 0) → (0.09, 1)
    // max → (0.25, 1); 0.5·mean·0.1 = 0.5·0.625·0.1 = 0.03125
    const v = ppoValueLoss(LLAMA2_PPO, T.tensor([1, 0]), Float32Array.from([0, 0]), Float32Array.from([0.5, 1]));
    close(v.item(), 0.03125);
  });
});
