// What the RL stages need from reward models: for each (prompt, response), the helpfulness and safety scores on
// the sigmoid scale (0, 1), as Llama 2 §3.2.3 states its safety gate (R_s < 0.15) and logit() undoes. The RM
// stage's models plug in through `rewardModelScorer`; `worldJudgeScorer` scores with the world's exact judge
// (an oracle reward: tests, and the "gold reward" the RM's hacking is measured against).
import { combineRewards, SAFETY_THRESHOLD } from './rewards.js';
import type { Prompt } from './world/index.js';
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
