// Measuring a trained policy against its starting point on the same held-out prompts (greedy answers, so the
// numbers do not depend on a seed): the world judge's helpfulness, violation and false-refusal rates (Llama 3 §5.4),
// the mean combined RM reward, and the judged win rate (Llama 2 §3.4.2: win / (win + loss); the judge is exact,
// so no order swap is needed). The acceptance numbers of the RL stages.
import type { Llama } from '../model/llama.js';
import type { Tokenizer } from '../tokenizer/types.js';
import type { ChatTemplateName } from '../tokenizer/chat-templates.js';
import { judge, summarize, winRate, type Prompt, type WinRate } from './world/index.js';
import { greedyAnswers } from './sampling.js';
import { scoreResponses, type RewardScorer } from './reward-scorer.js';

export interface Measured {
  answers: string[];
  /** Judged helpfulness per prompt. */
  judged: number[];
  helpfulness: number;
  violationRate: number;
  falseRefusalRate: number;
  /** Mean combined RM reward of the answers (NaN without a scorer). */
  reward: number;
}

export interface MeasureOptions {
  maxTokens: number;
  template?: ChatTemplateName | undefined;
  scorer?: RewardScorer | null;
}

/** Greedy answers to the prompts, judged and (with a scorer) scored by the RMs. */
export function measure(model: Llama, tok: Tokenizer, prompts: readonly Prompt[], o: MeasureOptions): Measured {
  const answers = greedyAnswers(model, tok, prompts.map((p) => p.messages), o.maxTokens, o.template);
  const rows = prompts.map((p, i) => ({ prompt: p, judgement: judge(p, answers[i]!) }));
  const m = summarize(rows);
  const reward = o.scorer ? scoreResponses(o.scorer, prompts.map((prompt, i) => ({ prompt, response: answers[i]! }))).combined : null;
  return {
    answers,
    judged: rows.map((r) => r.judgement.helpfulness),
    helpfulness: m.helpfulness.mean,
    violationRate: m.violationRate.rate,
    falseRefusalRate: m.falseRefusalRate.rate,
    reward: reward && reward.length ? reward.reduce((a, b) => a + b, 0) / reward.length : NaN,
  };
}

export type Side = Omit<Measured, 'answers' | 'judged'>;

export interface Comparison {
  model: Side;
  baseline: Side;
  /** The model's judged win rate against the baseline (ties within 0.02). */
  winRate: WinRate;
}

const side = ({ answers: _a, judged: _j, ...rest }: Measured): Side => rest;

export function compareMeasured(model: Measured, baseline: Measured, tie = 0.02): Comparison {
  return { model: side(model), baseline: side(baseline), winRate: winRate(model.judged, baseline.judged, tie) };
}

/** `model` against an already measured baseline on the same prompts. */
export function compare(model: Llama, baseline: Measured, tok: Tokenizer, prompts: readonly Prompt[], o: MeasureOptions): Comparison {
  return compareMeasured(measure(model, tok, prompts, o), baseline);
}
