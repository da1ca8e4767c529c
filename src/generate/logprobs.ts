// Log-probabilities under the model itself: log-softmax of the raw logits, before penalties, temperature or
// truncation — the log π(a|s) that PPO's ratio and the OpenAI `logprobs` field report. Float64 sums.

export interface TokenLogprob {
  token: number;
  logprob: number;
}

/** log Σ exp(logits) with the maximum subtracted first. */
export function logSumExp(logits: Float32Array): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  let s = 0;
  for (let i = 0; i < logits.length; i++) s += Math.exp(logits[i]! - max);
  return max + Math.log(s);
}

/** The k most likely tokens with their log-probabilities, most likely first (ties: lower id first). */
export function topLogprobs(logits: Float32Array, k: number, lse: number): TokenLogprob[] {
  const best: TokenLogprob[] = [];
  if (k <= 0) return best;
  for (let i = 0; i < logits.length; i++) {
    const l = logits[i]!;
    if (best.length === k && l <= best[k - 1]!.logprob) continue;
    let j = Math.min(best.length, k - 1);
    while (j > 0 && best[j - 1]!.logprob < l) j--;
    best.splice(j, 0, { token: i, logprob: l });
    if (best.length > k) best.pop();
  }
  for (const b of best) b.logprob -= lse;
  return best;
}
