// A multi-turn chat over one model: the history is re-rendered with the chat template every turn (recipe §14)
// and the KV cache keeps the prefix the new prompt shares with the last one, so a turn only runs its new tokens.
// When the history no longer fits the context window with room for an answer, the oldest exchanges are
// dropped (the system prompt stays), whole user + assistant pairs at a time so the roles keep alternating.
import type { Decoder } from '../model/inference.js';
import { formatChat, type ChatMessage, type ChatTemplateName } from '../tokenizer/chat-templates.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { ConfigError } from '../util/errors.js';
import { generate } from './generate.js';
import type { GenerateOptions } from './options.js';
import { PromptCache } from './prompt-cache.js';
import type { TokenStep } from './sequence.js';

export interface ChatSessionOptions {
  system?: string;
  template?: ChatTemplateName;
  /** Tokens of context the chat may use (default the model's maxSeqLen). */
  contextLength?: number;
  /** Sampling and max tokens of each answer. */
  generation?: Partial<GenerateOptions>;
}

export class ChatSession {
  /** User and assistant turns, oldest first (the system prompt is kept apart). */
  history: ChatMessage[] = [];
  system: string | undefined;
  /** Exchanges dropped to fit the context window so far. */
  dropped = 0;
  /** The prompt of the last turn. */
  lastPrompt: number[] = [];
  readonly contextLength: number;
  private readonly cache: PromptCache;

  constructor(
    readonly decoder: Decoder,
    readonly tokenizer: Tokenizer,
    readonly options: ChatSessionOptions = {},
  ) {
    this.system = options.system;
    this.contextLength = Math.min(options.contextLength ?? decoder.config.maxSeqLen, decoder.config.maxSeqLen);
    this.cache = new PromptCache(decoder.config, this.contextLength);
  }

  /** Forgets the conversation (the system prompt stays). */
  reset(): void {
    this.history = [];
    this.dropped = 0;
  }

  /** Tokens kept free for the answer: the answer budget, but at most half the window. */
  get answerRoom(): number {
    return Math.min(this.options.generation?.maxTokens ?? 256, Math.floor(this.contextLength / 2));
  }

  /**
   * The prompt for the current history, dropping the oldest exchanges until it leaves answerRoom tokens free.
   * Throws ConfigError when even the system prompt and the last message alone are too long.
   */
  prompt(): number[] {
    const limit = this.contextLength - this.answerRoom;
    // Drop 0, 1, 2 … exchanges from the front; the history changes only once a prompt fits.
    for (let drop = 0; ; drop += 2) {
      const kept = this.history.slice(drop);
      const messages: ChatMessage[] = this.system ? [{ role: 'system', content: this.system }, ...kept] : kept;
      const ids = formatChat(this.tokenizer, messages, this.options.template ? { template: this.options.template } : {}).ids;
      if (ids.length <= limit) {
        this.history.splice(0, drop);
        this.dropped += drop / 2;
        return ids;
      }
      if (kept.length <= 1) {
        throw new ConfigError('chat', 'message', `a prompt of at most ${limit} tokens (context ${this.contextLength} minus ${this.answerRoom} for the answer)`, `${ids.length} tokens`);
      }
    }
  }

  /** Adds the user's message, streams the answer, and adds the answer (as far as it got) to the history. */
  async *send(text: string, signal?: AbortSignal): AsyncGenerator<TokenStep, void, undefined> {
    this.history.push({ role: 'user', content: text });
    let prompt: number[];
    try {
      prompt = this.prompt();
    } catch (e) {
      this.history.pop();
      throw e;
    }
    this.lastPrompt = prompt;
    let answer = '';
    try {
      for await (const step of generate(this.decoder, this.tokenizer, prompt, { ...this.options.generation, freshText: true }, { cache: this.cache, signal })) {
        answer += step.text;
        yield step;
      }
    } finally {
      // Also when stopped midway (Ctrl-C, abort): what was shown is what the assistant said.
      this.history.push({ role: 'assistant', content: answer });
    }
  }

  /** Positions the KV cache holds now (prompt and answer of the last turn, but its final token). */
  get cacheLength(): number {
    return this.cache.tokens.length;
  }
}
