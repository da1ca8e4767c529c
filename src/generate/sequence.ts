// One sequence being generated: its sampler and seeded random stream, the token history the penalties read, the
// streaming UTF-8 decoder and the stop rules. `step(logits)` turns the logits of the last position into the next
// token and the text it releases; the drivers (generate.ts for one sequence, batch.ts for many) own the model.
import type { Tokenizer, StreamDecoder } from '../tokenizer/types.js';
import { Rng } from '../util/rng.js';
import { TokenHistory } from './history.js';
import { logSumExp, topLogprobs, type TokenLogprob } from './logprobs.js';
import type { GenerateOptions } from './options.js';
import { Sampler } from './sampler.js';
import { StopStrings } from './stop.js';

/** 'stop': a stop token or stop string; 'length': max tokens or the end of the context window. */
export type FinishReason = 'stop' | 'length';

export interface TokenStep {
  /** The token chosen at this position. */
  token: number;
  /** log p(token) under the model (raw logits), when log-probabilities were asked for; else NaN. */
  logprob: number;
  /** The most likely tokens at this position (options.topLogprobs of them), or null. */
  top: TokenLogprob[] | null;
  /** Text this token releases (may be empty: part of a character, a special token, a possible stop string). */
  text: string;
  /** Set on the last step. */
  finishReason: FinishReason | null;
}

export class Sequence {
  /** Generated token ids, the stop token included. */
  readonly tokens: number[] = [];
  /** Per-token log-probabilities (NaN when not computed). */
  readonly logprobs: number[] = [];
  /** All released text. */
  text = '';
  finishReason: FinishReason | null = null;
  private readonly sampler: Sampler;
  private readonly rng: Rng;
  private readonly history: TokenHistory;
  private readonly decoder: StreamDecoder;
  private readonly stopStrings: StopStrings;
  private readonly stopIds: ReadonlySet<number>;

  /**
   * maxTokens: this sequence's budget (options.maxTokens, or less where the context window ends first).
   * wantLogprobs: compute log p(token) every step (one extra pass over the vocabulary).
   */
  constructor(
    tok: Tokenizer,
    readonly prompt: readonly number[],
    readonly options: GenerateOptions,
    readonly maxTokens: number,
    private readonly wantLogprobs = options.topLogprobs > 0,
  ) {
    this.sampler = new Sampler(options, tok.vocabSize);
    this.rng = new Rng(options.seed);
    this.history = new TokenHistory(prompt, options.repeatLastN);
    this.decoder = tok.decodeStream();
    // Continuation: the decoder sees the prompt's last token first (its text was shown with the prompt), so it
    // knows whether the next piece starts the text (after BOS / a control token) or continues it.
    if (!options.freshText && prompt.length > 0) this.decoder.push(prompt[prompt.length - 1]!);
    this.stopStrings = new StopStrings(options.stop);
    this.stopIds = new Set(options.stopIds ?? tok.stopIds);
  }

  get done(): boolean {
    return this.finishReason !== null;
  }

  /** Chooses the next token from the logits [vocab] of the last position. */
  step(logits: Float32Array): TokenStep {
    if (this.done) throw new Error('Sequence.step: the sequence has already finished');
    const token = this.sampler.sample(logits, this.history, this.rng);
    this.history.push(token);
    this.tokens.push(token);
    let logprob = NaN;
    let top: TokenLogprob[] | null = null;
    if (this.wantLogprobs) {
      const lse = logSumExp(logits);
      logprob = logits[token]! - lse;
      if (this.options.topLogprobs > 0) top = topLogprobs(logits, this.options.topLogprobs, lse);
    }
    this.logprobs.push(logprob);
    let text: string;
    if (this.stopIds.has(token)) {
      text = this.end('stop');
    } else {
      const check = this.stopStrings.push(this.decoder.push(token));
      if (check.stopped) {
        text = check.text;
        this.finishReason = 'stop';
      } else {
        text = check.text + (this.tokens.length >= this.maxTokens ? this.end('length') : '');
      }
    }
    this.text += text;
    return { token, logprob, top, text, finishReason: this.finishReason };
  }

  /** Finishes: releases bytes held by the UTF-8 decoder (a cut character becomes U+FFFD) and held stop text. */
  private end(reason: FinishReason): string {
    const check = this.stopStrings.push(this.decoder.flush());
    this.finishReason = check.stopped ? 'stop' : reason;
    return check.stopped ? check.text : check.text + this.stopStrings.flush();
  }
}
