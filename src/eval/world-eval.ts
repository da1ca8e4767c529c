// Judged evaluation on the synthetic world (docs/llama-recipe.md §15 "small scale"): a model answers held-out
// prompts (greedy by default, or sampled), the world's exact judge scores every answer, and the world's metrics
// summarise them — helpfulness with a 95% interval, violation rate on unsafe prompts, false-refusal rate on the
// rest, per family, on seen and on held-out phrasings (templates never used in training).
import { generateBatch } from '../generate/batch.js';
import type { Decoder } from '../model/inference.js';
import { alpacaPrompt } from '../align/data/alpaca.js';
import { promptIds } from '../align/chat-rows.js';
import { alpacaExample, judge, summarize, type Prompt, type WorldMetrics } from '../align/world/index.js';
import type { ChatTemplateName } from '../tokenizer/chat-templates.js';
import type { Tokenizer } from '../tokenizer/types.js';

/** How prompts are shown to a model: its chat template, or the Alpaca instruction template (recipe §13). */
export type PromptFormat = 'chat' | 'alpaca';

export interface EvalModel {
  name: string;
  decoder: Decoder;
  tokenizer: Tokenizer;
  format: PromptFormat;
  template: ChatTemplateName;
  /** Ids that end an answer (default: the tokenizer's stop ids, plus EOS for the Alpaca format). */
  stopIds?: readonly number[];
}

export interface GenerationSettings {
  maxTokens: number;
  /** 0 = greedy (the default: scores do not depend on a seed). */
  temperature: number;
  topP: number;
  seed: number;
  /** Sequences decoded together. */
  batch: number;
}

export const GREEDY: GenerationSettings = { maxTokens: 96, temperature: 0, topP: 1, seed: 0, batch: 32 };

/** The prompt ids a model answers: the chat up to the assistant header, or the Alpaca prompt up to "### Response:". */
export function modelPrompt(tok: Tokenizer, p: Prompt, format: PromptFormat, template: ChatTemplateName): number[] {
  if (format === 'chat') return promptIds(tok, p.messages, template);
  return tok.encode(alpacaPrompt(alpacaExample(p)), { bos: true });
}

/** One answer per world prompt, shown in the model's format. */
export function respond(m: EvalModel, prompts: readonly Prompt[], g: GenerationSettings): string[] {
  return generateAnswers(m, prompts.map((p) => modelPrompt(m.tokenizer, p, m.format, m.template)), g);
}

/** One answer per prompt (token ids). Prompts that leave no room to answer in the context get the empty answer. */
export function generateAnswers(m: EvalModel, ids: readonly (readonly number[])[], g: GenerationSettings): string[] {
  const ctx = m.decoder.config.maxSeqLen;
  const fits = ids.map((x) => x.length < ctx - 1);
  const stopIds = m.stopIds ?? (m.format === 'alpaca' ? [...new Set([...m.tokenizer.stopIds, m.tokenizer.eos])] : m.tokenizer.stopIds);
  const samples = generateBatch(m.decoder, m.tokenizer, ids.filter((_, i) => fits[i]).map((prompt) => ({ prompt })), {
    temperature: g.temperature, topP: g.topP, maxTokens: g.maxTokens, seed: g.seed, stopIds: [...stopIds],
  }, { maxBatch: g.batch, contextLength: ctx });
  let k = 0;
  return ids.map((_, i) => (fits[i] ? samples[k++]![0]!.text : ''));
}

export interface JudgedRow {
  id: string;
  task: string;
  family: string;
  heldOutTemplate: boolean;
  heldOutTask: boolean;
  unsafe: boolean;
  response: string;
  helpfulness: number;
  refused: boolean;
  violation: boolean;
  falseRefusal: boolean;
}

/** Judges each response and summarises (helpfulness, VR, FRR, per family, seen vs held-out templates). */
export function judgeAll(prompts: readonly Prompt[], responses: readonly string[]): { rows: JudgedRow[]; metrics: WorldMetrics } {
  const judged = prompts.map((p, i) => ({ prompt: p, judgement: judge(p, responses[i]!) }));
  const rows = judged.map(({ prompt: p, judgement: j }, i): JudgedRow => ({
    id: p.id, task: p.task, family: p.family, heldOutTemplate: p.tags.heldOutTemplate, heldOutTask: p.tags.heldOutTask, unsafe: p.tags.unsafe,
    response: responses[i]!, helpfulness: j.helpfulness, refused: j.refused, violation: j.violation, falseRefusal: j.falseRefusal,
  }));
  return { rows, metrics: summarize(judged) };
}
