// Reward models (Llama 2 §3.2.2; docs/llama-recipe.md §7): the Llama trunk of a chat (or pretrained) checkpoint
// with its next-token head replaced by a scalar regression head, r(x, y) = w · h_last, read at the last token of
// prompt + response (its closing <|eot_id|>). Llama 2 leaves the pooling unstated; llamats uses the last token,
// as HF LlamaForSequenceClassification and TRL do.
//
// Parameters: one ParameterSet holding the trunk (token embeddings, blocks, final norm — no LM head: the trunk is
// configured as tied, so `output.weight` does not exist and AdamW never decays an unused matrix) and the head
// `reward_head.weight` [1, dim] (HF `score`: a bias-free Linear initialised N(0, 0.02²); a bias would get no
// gradient from a ranking loss, which sees only score differences).
//
// On disk a reward model is a folder: model.gguf (the trunk as an ordinary tied llamats model with its
// tokenizer; its LM head is the embedding and means nothing) and reward_head.json (format name + version, the
// head weights, what the model scores and how prompts are formatted).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as T from '../tensor/index.js';
import type { Tensor } from '../tensor/index.js';
import type { ModelConfig } from '../model/config.js';
import { Llama } from '../model/llama.js';
import { loadTrainableModel, saveTrainedModel } from '../model/load.js';
import { paramSpecs } from '../model/params.js';
import { formatChat, type ChatTemplateName } from '../tokenizer/chat-templates.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { FileFormatError, ShapeError } from '../util/errors.js';
import { readJsonFile, writeFileAtomic } from '../util/fs.js';
import { Rng } from '../util/rng.js';
import { collateLast, type LastTokenBatch } from './collate.js';
import type { Message } from './world/index.js';

export const REWARD_HEAD = 'reward_head.weight';

export type RewardKind = 'helpfulness' | 'safety';

export class RewardModel {
  /** The trunk's configuration (tiedEmbeddings: the LM head is gone). */
  readonly config: ModelConfig;
  readonly params: T.ParameterSet;
  readonly trunk: Llama;
  /** [1, dim] */
  readonly head: Tensor;

  constructor(config: ModelConfig) {
    this.config = { ...config, tiedEmbeddings: true };
    this.params = new T.ParameterSet([...paramSpecs(this.config), { name: REWARD_HEAD, shape: [1, config.dim] }]);
    this.trunk = new Llama(this.config, this.params);
    this.head = this.params.get(REWARD_HEAD);
  }

  /** Scores [n] of the sequences of a batch: the head on the final hidden state at each `last` index. */
  scores(b: LastTokenBatch): Tensor {
    const h = this.trunk.hidden(b.tokens, b.B, b.T, { positions: b.positions, segIds: b.segIds });
    const lastHidden = T.gatherRows(T.reshape(h, [b.B * b.T, this.config.dim]), b.last);
    return T.reshape(T.linear(lastHidden, this.head), [b.last.length]);
  }
}

/** A reward model initialised from a language model: trunk weights copied, head ~ N(0, 0.02²) from `seed`. */
export function rewardModelFrom(model: Llama, seed: number): RewardModel {
  const rm = new RewardModel(model.config);
  for (const spec of paramSpecs(rm.config)) rm.params.get(spec.name).data.set(model.params.get(spec.name).data);
  const rng = new Rng(seed);
  const w = rm.head.data;
  for (let i = 0; i < w.length; i++) w[i] = 0.02 * rng.normal();
  return rm;
}

/** Prompt + response as the reward model reads them: the chat with the response as the last assistant turn. */
export function rewardSequence(tok: Tokenizer, prompt: readonly Message[], response: string, template: ChatTemplateName): number[] {
  return formatChat(tok, [...prompt, { role: 'assistant', content: response }], { template, addGenerationPrompt: false }).ids;
}

/**
 * Keeps a sequence within `maxLen` tokens: BOS and the last maxLen − 1 tokens (the reward is read at the end, so
 * the end is what must survive; long prompts lose their beginning).
 */
export function fitSequence(ids: readonly number[], maxLen: number): readonly number[] {
  return ids.length <= maxLen ? ids : [ids[0]!, ...ids.slice(ids.length - maxLen + 1)];
}

export interface ScoreOptions {
  template: ChatTemplateName;
  /** Row length of the packed batches (default: the model's context). */
  seqLen?: number;
  /** Sequences per forward pass. */
  batch?: number;
}

/** Scores of many sequences (token ids), without gradients, in packed batches. */
export function scoreSequences(rm: RewardModel, seqs: readonly (readonly number[])[], seqLen: number, batch = 32): Float32Array {
  const out = new Float32Array(seqs.length);
  for (let i0 = 0; i0 < seqs.length; i0 += batch) {
    const chunk = seqs.slice(i0, i0 + batch).map((s) => fitSequence(s, seqLen));
    const b = collateLast(chunk, seqLen);
    out.set(T.tidy(() => T.noGrad(() => rm.scores(b).toFloat32Array())), i0);
  }
  return out;
}

/** A loaded reward model with what it needs to read prompts: `score(prompts, responses)` → one reward each. */
export interface LoadedRewardModel {
  rm: RewardModel;
  tokenizer: Tokenizer;
  meta: RewardHeadFile;
  score(prompts: readonly (readonly Message[])[], responses: readonly string[], opts?: Partial<ScoreOptions>): Float32Array;
}

/** reward_head.json */
export interface RewardHeadFile {
  format: 'llamats-reward-head';
  version: 1;
  kind: RewardKind;
  /** How prompt + response are formatted before scoring. */
  template: ChatTemplateName;
  pooling: 'last-token';
  dim: number;
  weight: number[];
}

const HEAD_FILE = 'reward_head.json';

export function saveRewardModel(dir: string, rm: RewardModel, tokenizer: Tokenizer, meta: { kind: RewardKind; template: ChatTemplateName }): void {
  mkdirSync(dir, { recursive: true });
  saveTrainedModel(join(dir, 'model.gguf'), rm.trunk, tokenizer, { name: `llamats reward model (${meta.kind})` });
  const head: RewardHeadFile = { format: 'llamats-reward-head', version: 1, kind: meta.kind, template: meta.template, pooling: 'last-token', dim: rm.config.dim, weight: Array.from(rm.head.data) };
  writeFileAtomic(join(dir, HEAD_FILE), `${JSON.stringify(head)}\n`);
}

function readHead(file: string): RewardHeadFile {
  if (!existsSync(file)) throw new FileFormatError(file, 'file', 'a reward head (reward_head.json beside model.gguf)', 'no such file');
  const h = readJsonFile(file) as Partial<RewardHeadFile>;
  if (h?.format !== 'llamats-reward-head') throw new FileFormatError(file, 'format', '"llamats-reward-head"', JSON.stringify(h?.format));
  if (h.version !== 1) throw new FileFormatError(file, 'version', '1', JSON.stringify(h.version));
  if (h.kind !== 'helpfulness' && h.kind !== 'safety') throw new FileFormatError(file, 'kind', 'helpfulness or safety', JSON.stringify(h.kind));
  if (h.template !== 'llama2' && h.template !== 'llama3' && h.template !== 'llama3.1') throw new FileFormatError(file, 'template', 'llama2, llama3 or llama3.1', JSON.stringify(h.template));
  if (h.pooling !== 'last-token') throw new FileFormatError(file, 'pooling', '"last-token"', JSON.stringify(h.pooling));
  if (!Array.isArray(h.weight) || h.weight.length !== h.dim || !h.weight.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new FileFormatError(file, 'weight', `${h.dim} finite numbers (dim)`, Array.isArray(h.weight) ? `${h.weight.length} values` : typeof h.weight);
  }
  return h as RewardHeadFile;
}

/** Loads a reward-model folder written by saveRewardModel (for rejection sampling, PPO and evaluation). */
export function loadRewardModel(dir: string): LoadedRewardModel {
  const meta = readHead(join(dir, HEAD_FILE));
  const modelPath = join(dir, 'model.gguf');
  const { model, tokenizer } = loadTrainableModel(modelPath);
  if (!tokenizer) throw new FileFormatError(modelPath, 'tokenizer', 'a tokenizer stored with the trunk', 'none');
  if (model.config.dim !== meta.dim) throw new FileFormatError(join(dir, HEAD_FILE), 'dim', `${model.config.dim} (the trunk's width)`, String(meta.dim));
  const rm = new RewardModel(model.config);
  for (const spec of paramSpecs(rm.config)) rm.params.get(spec.name).data.set(model.params.get(spec.name).data);
  rm.head.data.set(meta.weight);
  return {
    rm, tokenizer, meta,
    score(prompts, responses, opts = {}) {
      if (prompts.length !== responses.length) throw new ShapeError('RewardModel.score', 'responses', `one per prompt (${prompts.length})`, String(responses.length));
      const template = opts.template ?? meta.template;
      const seqs = prompts.map((p, i) => rewardSequence(tokenizer, p, responses[i]!, template));
      return scoreSequences(rm, seqs, opts.seqLen ?? rm.config.maxSeqLen, opts.batch);
    },
  };
}
