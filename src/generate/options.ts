// What a caller can ask of generation, with the Llama releases' defaults (recipe §3: temperature 0.6, top-p 0.9,
// as in meta/llama and meta/llama3 example_chat_completion.py and HF generation_config.json). Every knob has an
// "off" value, and validation names the field it rejects, so the CLI and the server report bad input the same way.
import { ConfigError } from '../util/errors.js';

export interface SamplingOptions {
  /** Softmax temperature; 0 picks the most likely token (greedy). Recipe §3 default 0.6. */
  temperature: number;
  /** Nucleus sampling mass, Meta's rule (top-p.ts); 1 = off. Recipe §3 default 0.9. */
  topP: number;
  /** Keep only the k most likely tokens; 0 = off. */
  topK: number;
  /** Keep tokens with probability ≥ minP · (probability of the most likely token); 0 = off. */
  minP: number;
  /** CTRL repetition penalty (Keskar et al. 2019 §4.1, llama.cpp `repeat_penalty`); 1 = off. */
  repeatPenalty: number;
  /** How many recent tokens (prompt included) the repetition penalty looks at: 0 = none, -1 = all (llama.cpp). */
  repeatLastN: number;
  /** OpenAI frequency penalty: subtract count·f from the logit of each token already generated; 0 = off. */
  frequencyPenalty: number;
  /** OpenAI presence penalty: subtract p once from each token already generated; 0 = off. */
  presencePenalty: number;
  /** Added to the logits of the given token ids (OpenAI `logit_bias`, −100 bans, +100 forces). */
  logitBias: ReadonlyMap<number, number>;
}

export interface GenerateOptions extends SamplingOptions {
  /** Upper bound on generated tokens (the stop token included). */
  maxTokens: number;
  /** Text that ends generation; the text before it is returned, the stop string and anything after it are not. */
  stop: readonly string[];
  /** Token ids that end generation; default the tokenizer family's stop ids (recipe §3). */
  stopIds: readonly number[] | null;
  /** Seed of the sampler's random stream: one seed reproduces one output. */
  seed: number;
  /** Report log-probabilities of this many alternatives per position beside the chosen token (0 = only it). */
  topLogprobs: number;
  /**
   * How the first generated token's text is rendered. false (default): as the continuation of the prompt —
   * SentencePiece's leading space is dropped only right after BOS or a control token (llama2.c `decode`), so
   * "Once upon a" + "▁time" reads " time". true: as a text of its own, as Meta's `chat_completion` decodes an
   * answer (the space of its first piece dropped) — for chat answers.
   */
  freshText: boolean;
}

export const defaultSampling: SamplingOptions = {
  temperature: 0.6,
  topP: 0.9,
  topK: 0,
  minP: 0,
  repeatPenalty: 1,
  repeatLastN: 64,
  frequencyPenalty: 0,
  presencePenalty: 0,
  logitBias: new Map(),
};

export const defaultGenerate: GenerateOptions = {
  ...defaultSampling,
  maxTokens: 256,
  stop: [],
  stopIds: null,
  seed: 0,
  topLogprobs: 0,
  freshText: false,
};

type Check = (v: number) => boolean;
const ranges: { [K in keyof GenerateOptions]?: [Check, string] } = {
  temperature: [(v) => v >= 0 && v <= 100, 'a number in [0, 100]'],
  topP: [(v) => v > 0 && v <= 1, 'a number in (0, 1]'],
  topK: [(v) => Number.isInteger(v) && v >= 0, 'an integer ≥ 0'],
  minP: [(v) => v >= 0 && v <= 1, 'a number in [0, 1]'],
  repeatPenalty: [(v) => v > 0 && v <= 100, 'a number in (0, 100]'],
  repeatLastN: [(v) => Number.isInteger(v) && v >= -1, 'an integer ≥ -1'],
  frequencyPenalty: [(v) => v >= -2 && v <= 2, 'a number in [-2, 2] (OpenAI range)'],
  presencePenalty: [(v) => v >= -2 && v <= 2, 'a number in [-2, 2] (OpenAI range)'],
  maxTokens: [(v) => Number.isInteger(v) && v >= 1, 'an integer ≥ 1'],
  seed: [(v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff, 'an integer in [0, 2^32)'],
  topLogprobs: [(v) => Number.isInteger(v) && v >= 0 && v <= 20, 'an integer in [0, 20]'],
};

/** Fills defaults and checks every field; throws ConfigError(source, field, …) on the first bad one. */
export function generateOptions(partial: Partial<GenerateOptions> = {}, source = 'generate options'): GenerateOptions {
  const o: GenerateOptions = { ...defaultGenerate, ...withoutUndefined(partial) };
  for (const [field, [ok, expected]] of Object.entries(ranges) as [keyof GenerateOptions, [Check, string]][]) {
    const v = o[field];
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw new ConfigError(source, field, expected, String(v));
  }
  for (const [id, bias] of o.logitBias) {
    if (!Number.isInteger(id) || id < 0) throw new ConfigError(source, 'logitBias', 'token ids that are integers ≥ 0', String(id));
    if (!(bias >= -100 && bias <= 100)) throw new ConfigError(source, `logitBias[${id}]`, 'a number in [-100, 100]', String(bias));
  }
  if (o.stop.some((s) => typeof s !== 'string' || s === '')) throw new ConfigError(source, 'stop', 'non-empty strings', JSON.stringify(o.stop));
  return o;
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
