// Held-out evaluation of a reward model as Llama 2 reports it (§3.2.2, Table 8): accuracy per rating bucket —
// the share of pairs where the model scores the annotator's chosen response above the rejected one — from
// "significantly better" down to "negligibly better / unsure", where annotators themselves disagree most.
// The world also knows the truth, so beside label accuracy we report agreement with the judge and the RM score
// against judged helpfulness of every response (the points of a scatter plot).
import type { ChatTemplateName } from '../tokenizer/chat-templates.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { rewardSequence, scoreSequences, type RewardModel } from './reward.js';
import { RATINGS, type PreferenceRow, type Rating } from './world/index.js';

export interface Accuracy {
  n: number;
  /** Share of pairs with r(chosen) > r(rejected) (a tie counts one half). */
  accuracy: number;
  /** Half-width of the 95% interval 1.96·sqrt(p(1 − p)/n) (Llama 3 §5). */
  ci95: number;
}

export interface RewardEvaluation {
  /** Against the annotators' labels, per Llama 2 rating (Table 8 layout) and overall. */
  byRating: Record<Rating, Accuracy>;
  overall: Accuracy;
  /** Against the judge, on pairs the judge does not score equal. */
  judge: Accuracy;
  /** One point per response: judged helpfulness and RM score. */
  points: { judge: number; score: number; safe: boolean | null }[];
  /** Pearson correlation of RM score with judged helpfulness over `points`. */
  pearson: number;
}

function accuracy(hits: number, n: number): Accuracy {
  const p = n === 0 ? 0 : hits / n;
  return { n, accuracy: p, ci95: n === 0 ? 0 : 1.96 * Math.sqrt((p * (1 - p)) / n) };
}

const win = (a: number, b: number) => (a > b ? 1 : a === b ? 0.5 : 0);

export function pearson(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return NaN;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

/** Accuracy of precomputed scores: scores[2i] for rows[i].chosen, scores[2i + 1] for rows[i].rejected. */
export function accuracyOfScores(rows: readonly PreferenceRow[], scores: ArrayLike<number>): RewardEvaluation {
  const per = new Map<Rating, { hits: number; n: number }>(RATINGS.map((r) => [r, { hits: 0, n: 0 }]));
  let hits = 0;
  let judgeHits = 0;
  let judgeN = 0;
  const points: RewardEvaluation['points'] = [];
  rows.forEach((row, i) => {
    const rc = scores[2 * i]!;
    const rr = scores[2 * i + 1]!;
    const w = win(rc, rr);
    hits += w;
    const cell = per.get(row.rating)!;
    cell.hits += w;
    cell.n++;
    const { chosen, rejected } = row.scores;
    if (chosen !== rejected) {
      judgeN++;
      judgeHits += chosen > rejected ? w : 1 - w;
    }
    points.push({ judge: chosen, score: rc, safe: row.safety ? row.safety.chosenSafe : null });
    points.push({ judge: rejected, score: rr, safe: row.safety ? row.safety.rejectedSafe : null });
  });
  return {
    byRating: Object.fromEntries(RATINGS.map((r) => [r, accuracy(per.get(r)!.hits, per.get(r)!.n)])) as Record<Rating, Accuracy>,
    overall: accuracy(hits, rows.length),
    judge: accuracy(judgeHits, judgeN),
    points,
    pearson: pearson(points.map((p) => p.judge), points.map((p) => p.score)),
  };
}

/** Scores chosen and rejected of every held-out row and measures accuracy. */
export function evaluateRewardModel(rm: RewardModel, tok: Tokenizer, rows: readonly PreferenceRow[], template: ChatTemplateName, seqLen: number): RewardEvaluation {
  const seqs = rows.flatMap((r) => [rewardSequence(tok, r.prompt, r.chosen.at(-1)!.content, template), rewardSequence(tok, r.prompt, r.rejected.at(-1)!.content, template)]);
  return accuracyOfScores(rows, scoreSequences(rm, seqs, seqLen));
}
