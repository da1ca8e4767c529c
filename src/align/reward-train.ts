// Training a reward model (Llama 2 §3.2.2; docs/llama-recipe.md §7): ranked groups packed into rows, scores read
// at each sequence's last token, and the ranking loss of margin-ranking.ts averaged over the groups of a step:
//   margin (Llama 2)   −log σ(r_c − r_r − m(rating))                     one pair per group
//   ranking (Llama 3)  Σ over ordered pairs i < j of −log σ(r_i − r_j)   edited > chosen > rejected
// Schedule (Llama 2 §3.2.2): one epoch, linear warmup over 3% of the steps (at least 5), cosine to 10% of the
// peak learning rate.
import * as T from '../tensor/index.js';
import type { Tensor } from '../tensor/index.js';
import { runSteps, warmupStepsFor, type StepLoopConfig, type StepLoopResult } from '../train/step-loop.js';
import { ShapeError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { collateRanked, type RankedGroup, type RewardBatch } from './collate.js';
import { marginRankingLoss, orderedRankingLoss } from './losses/margin-ranking.js';
import type { RewardModel } from './reward.js';

/** Scores [n] gathered at the given indices. */
function pick(scores: Tensor, index: Int32Array): Tensor {
  return T.reshape(T.gatherRows(T.reshape(scores, [scores.size, 1]), index), [index.length]);
}

/**
 * Sum over the batch's groups of their ranking losses. 'margin' needs groups of exactly two (chosen, rejected)
 * and uses each group's margin; 'ranking' sums −log σ(r_i − r_j) over the ordered pairs of groups of any size.
 */
export function rankingLossSum(scores: Tensor, b: RewardBatch, kind: 'margin' | 'ranking'): Tensor {
  if (kind === 'margin') {
    const bad = b.groups.find((g) => g.k !== 2);
    if (bad) throw new ShapeError('rankingLossSum', 'group', '2 responses (chosen, rejected) for the margin loss', `${bad.k}`);
    const chosen = Int32Array.from(b.groups, (g) => g.start);
    const rejected = Int32Array.from(b.groups, (g) => g.start + 1);
    return T.sum(marginRankingLoss(pick(scores, chosen), pick(scores, rejected), Float32Array.from(b.groups, (g) => g.margin)));
  }
  // orderedRankingLoss takes [P, k]: one call per group size present in the batch.
  let total: Tensor | null = null;
  for (const k of [...new Set(b.groups.map((g) => g.k))].sort()) {
    const gs = b.groups.filter((g) => g.k === k);
    const index = Int32Array.from(gs.flatMap((g) => Array.from({ length: k }, (_, j) => g.start + j)));
    const l = T.sum(orderedRankingLoss(T.reshape(pick(scores, index), [gs.length, k])));
    total = total ? T.add(total, l) : l;
  }
  return total!;
}

export interface RewardTrainOptions {
  epochs: number;
  seqLen: number;
  /** Groups (pairs) per optimizer step (Llama 2: 512 pairs). */
  groupsPerStep: number;
  /** Groups per forward/backward. */
  microGroups: number;
  lr: number;
  minLrRatio: number;
  warmupFraction: number;
  minWarmupSteps: number;
  optim: StepLoopConfig['optim'];
  loss: 'margin' | 'ranking';
  evalEvery: number;
  seed: number;
}

/** Mean ranking loss over held-out groups (no gradients). */
export function heldOutRankingLoss(rm: RewardModel, groups: readonly RankedGroup[], o: Pick<RewardTrainOptions, 'seqLen' | 'microGroups' | 'loss'>): number {
  let total = 0;
  for (let i = 0; i < groups.length; i += o.microGroups) {
    const b = collateRanked(groups.slice(i, i + o.microGroups), o.seqLen);
    total += T.tidy(() => T.noGrad(() => rankingLossSum(rm.scores(b), b, o.loss).item()));
  }
  return groups.length > 0 ? total / groups.length : NaN;
}

/** Trains `rm` in place; the step count is known up front (epochs × ⌈groups / groupsPerStep⌉). */
export function trainRewardModel(rm: RewardModel, train: readonly RankedGroup[], val: readonly RankedGroup[], o: RewardTrainOptions, io: { out: string | null; quiet?: boolean }): StepLoopResult & { steps: number } {
  const rng = new Rng(o.seed);
  const steps: RankedGroup[][] = [];
  for (let e = 0; e < o.epochs; e++) {
    const order = rng.shuffle(train.slice());
    for (let i = 0; i < order.length; i += o.groupsPerStep) steps.push(order.slice(i, i + o.groupsPerStep));
  }
  const result = runSteps(rm.params, {
    schedule: { lr: o.lr, minLrRatio: o.minLrRatio, steps: steps.length, warmupSteps: warmupStepsFor(steps.length, o.warmupFraction, o.minWarmupSteps), annealSteps: 0 },
    optim: o.optim,
    evalEvery: o.evalEvery,
    logEvery: 1,
  }, {
    step(i) {
      const groups = steps[i]!;
      let loss = 0;
      let tokens = 0;
      for (let g = 0; g < groups.length; g += o.microGroups) {
        const b = collateRanked(groups.slice(g, g + o.microGroups), o.seqLen);
        tokens += b.B * b.T;
        loss += T.tidy(() => {
          const l = T.scale(rankingLossSum(rm.scores(b), b, o.loss), 1 / groups.length);
          T.backward(l);
          return l.item();
        });
      }
      return { loss, tokens, seqLen: o.seqLen, batchSize: groups.length };
    },
    evaluate: val.length > 0 ? () => heldOutRankingLoss(rm, val, o) : undefined,
  }, { out: io.out, label: 'reward model', quiet: io.quiet });
  return { ...result, steps: steps.length };
}
