// What the penalties look at: counts of the tokens seen so far. The repetition penalty (llama.cpp semantics)
// looks at the last `repeatLastN` tokens of prompt + output; OpenAI's frequency and presence penalties look at
// the output only ("how often token j was sampled prior to the current position"). Both are kept incrementally,
// so a step costs O(1) plus the number of distinct tokens penalised.

export class TokenHistory {
  /** Prompt and generated tokens, in order. */
  readonly tokens: number[];
  /** Counts of each token among the last `window` tokens (the repetition-penalty window). */
  readonly windowCounts = new Map<number, number>();
  /** Counts of each generated token. */
  readonly generatedCounts = new Map<number, number>();
  private readonly window: number;

  /** window: 0 = nothing, −1 = everything, n = the last n tokens. */
  constructor(prompt: ArrayLike<number>, window: number) {
    this.window = window < 0 ? Infinity : window;
    this.tokens = [];
    for (let i = 0; i < prompt.length; i++) this.add(prompt[i]!);
  }

  /** Records a generated token. */
  push(token: number): void {
    this.add(token);
    bump(this.generatedCounts, token, 1);
  }

  private add(token: number): void {
    this.tokens.push(token);
    if (this.window === 0) return;
    bump(this.windowCounts, token, 1);
    const out = this.tokens.length - 1 - this.window;
    if (out >= 0) bump(this.windowCounts, this.tokens[out]!, -1);
  }
}

function bump(m: Map<number, number>, k: number, d: number): void {
  const c = (m.get(k) ?? 0) + d;
  if (c === 0) m.delete(k);
  else m.set(k, c);
}
