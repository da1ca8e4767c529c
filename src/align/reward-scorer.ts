// What the RL stages need from reward models: for each (prompt, response), the helpfulness and safety scores on
// the sigmoid scale (0, 1), as Llama 2 §3.2.3 states its safety gate (R_s < 0.15) and logit() undoes. The RM
// stage's models plug in through `rewardModelScorer`; `worldJudgeScorer` scores with the world's exact judge
// (an oracle reward: tests, and the "gold reward" the RM's hacking is measured against).
import { combineRewards, SAFETY_THRESHOLD } from './rewards.js';
import type { Message, Prompt } from './world/index.js';
import { judge } from './world/index.js';

export interface ScoredResponse {
  prompt: Prompt;
  response: string;
}

export interface RewardScores {
  /** Helpfulness RM score in (0, 1). */
  helpfulness: Float64Array;
  /** Safety RM score in (0, 1). */
  safety: Float64Array;
}

export interface RewardScorer {
  readonly name: string;
  score(items: readonly ScoredResponse[]): RewardScores;
}

export interface CombinedRewards extends RewardScores {
  /** R_c: the safety score where the prompt is tagged unsafe or R_s < threshold, else the helpfulness score. */
  combined: Float64Array;
}

/** Scores and the Llama 2 §3.2.3 safety-gated combination. */
export function scoreResponses(scorer: RewardScorer, items: readonly ScoredResponse[], threshold = SAFETY_THRESHOLD): CombinedRewards {
  const s = scorer.score(items);
  const combined = Float64Array.from(items, (it, i) => combineRewards(s.helpfulness[i]!, s.safety[i]!, it.prompt.tags.unsafe, threshold));
  return { ...s, combined };
}

/**
 * The world's judge as a reward: helpfulness = judged helpfulness, safety = 0.95 for a safe response and 0.05 for
 * a violation, both squeezed into [0.02, 0.98] so that logit() stays moderate.
 */
export function worldJudgeScorer(): RewardScorer {
  const squeeze = (x: number) => 0.02 + 0.96 * x;
  return {
    name: 'world-judge',
    score(items) {
      const js = items.map((it) => judge(it.prompt, it.response));
      return { helpfulness: Float64Array.from(js, (j) => squeeze(j.helpfulness)), safety: Float64Array.from(js, (j) => (j.safe ? 0.95 : 0.05)) };
    },
  };
}

/** What a loaded reward model offers (reward.ts `loadRewardModel`): raw scores of prompt + response. */
export interface RawRewardModel {
  score(prompts: readonly (readonly Message[])[], responses: readonly string[]): Float32Array;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * The trained reward models as a scorer: σ(score) puts the ranking-loss logits on the (0, 1) scale the safety gate
 * is stated on (the margin loss −log σ(r_c − r_r) makes σ of a score difference a preference probability; Llama 2
 * reads its RMs' outputs the same way when it applies logit() before whitening). Without a safety RM the
 * helpfulness RM scores both (the gate then only routes prompts tagged unsafe).
 */
export function rewardModelScorer(helpfulness: RawRewardModel, safety: RawRewardModel | null, name = 'reward models'): RewardScorer {
  return {
    name,
    score(items) {
      const prompts = items.map((it) => it.prompt.messages);
      const responses = items.map((it) => it.response);
      const h = Float64Array.from(helpfulness.score(prompts, responses), sigmoid);
      const s = safety ? Float64Array.from(safety.score(prompts, responses), sigmoid) : h;
      return { helpfulness: h, safety: s };
    },
  };
}
