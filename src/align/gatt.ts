// Ghost Attention (Llama 2 §3.3, App. A.3.5; docs/llama-recipe.md §10). A dialogue [u1, a1, …, un, an] gets an
// instruction `inst` (a system constraint the world can check on every turn):
//   1. `inst` is appended to EVERY user turn and the answers are sampled from the latest model, turn after turn
//      (each answer conditioned on the earlier sampled ones) — or taken from the world's oracle with the
//      constraint applied when the model cannot follow it even then (`answers` config: the report says which);
//   2. the training example keeps `inst` only in the first turn (as the system message) and zeroes the loss on
//      every earlier turn's tokens, assistant ones included: only the last answer of each truncated prefix
//      [inst, u1, a1, …, ut, at] is trained on, like rejection-sampling data.
// Adherence per turn (Table 30's "attribute recall at turn t") is measured by letting the model answer a
// held-out dialogue turn after turn with its own answers in the history, and checking every constraint at
// every turn (judgeTurn).
// Twenty turns of world tasks take ~950 tokens, more than a laptop model's pretraining context. `contextLength`
// raises the model's context for this stage (RoPE has no table to outgrow; the long dialogues teach the new
// positions, as Llama 3's context-lengthening stages do with long data). To separate what GAtt does from what
// long multi-turn fine-tuning does, the `control` model gets the same fine-tuning on the same dialogues WITHOUT
// GAtt: no instruction anywhere, plain answers (as Llama 2's models before GAtt had seen multi-turn data without
// persistent system instructions) — the "without GAtt" curve.
import { z } from 'zod';
import { Llama } from '../model/llama.js';
import { join } from 'node:path';
import { trainableCopy } from './reference.js';
import type { Tokenizer } from '../tokenizer/types.js';
import type { ChatTemplateName } from '../tokenizer/chat-templates.js';
import { formatChat } from '../tokenizer/chat-templates.js';
import { linePlot } from '../report/index.js';
import { judgeTurn, type Dialogue, type Message } from './world/index.js';
import { checkConstraint } from './world/index.js';
import { lastRunMask } from './chat-rows.js';
import type { ScoredSequence } from './policy-logprobs.js';
import { Decoder } from '../model/inference.js';
import { inferenceWeightsOf } from '../model/weights.js';
import { DialogueDecoder } from './dialogue-decoder.js';
import { promptIds } from './chat-rows.js';
import { parseStageConfig } from './stage-config.js';
import { StageLog, type StageIO } from './stage-io.js';

export const GattStageSchema = z.strictObject({
  /** 'model': sampled answers; 'oracle': the world's gold with the constraints applied; 'model-or-oracle': the
   *  sample where it keeps every constraint, else the gold (the share of samples kept is reported). */
  answers: z.enum(['model', 'oracle', 'model-or-oracle']).default('model-or-oracle'),
  /**
   * Llama 2 samples with the latest RLHF model (recipe §3 default T 0.6); the multi-turn decoder samples
   * softmax(logits / T) (no top-p) and answers greedily in the adherence measurement.
   */
  sampling: z.strictObject({ temperature: z.number().min(0).max(10).default(0.6), maxTokens: z.number().int().min(1).default(48) }).prefault({}),
  /** Turns per training dialogue, and truncated prefixes trained per dialogue (evenly spread over the turns). */
  turns: z.number().int().min(1).default(8),
  prefixesPerDialogue: z.number().int().min(1).default(4),
  /** Turns measured for adherence (Llama 2 Table 30 goes to 20). */
  evalTurns: z.number().int().min(1).default(20),
  /** Context for this stage and after (0 = the model's); 20 world turns need ~1024 tokens. */
  contextLength: z.number().int().min(0).default(0),
  /** Also fine-tune a copy on the same dialogues without GAtt (the "without GAtt" curve); else only the start is measured. */
  control: z.boolean().default(true),
  /** Chat template the model was fine-tuned with (SFT, RM and eval default to Llama 3's). */
  template: z.enum(['llama2', 'llama3', 'llama3.1']).default('llama3'),
  seed: z.number().int().min(0).default(1),
});
export type GattStageConfig = z.infer<typeof GattStageSchema>;
export const parseGattConfig = (json: unknown, source = 'gatt config'): GattStageConfig => parseStageConfig(GattStageSchema, json, source);

/** The messages used for SAMPLING turn t's answer: no system message, `inst` appended to every user turn. */
export function samplingMessages(d: Pick<Dialogue, 'instruction' | 'turns'>, answers: readonly string[], turn: number): Message[] {
  const out: Message[] = [];
  for (let t = 0; t <= turn; t++) {
    out.push({ role: 'user', content: `${d.turns[t]!.user} ${d.instruction}` });
    if (t < turn) out.push({ role: 'assistant', content: answers[t]! });
  }
  return out;
}

/** The TRAINING messages of the prefix ending at turn t: `inst` only as the system message, then the turns. */
export function trainingMessages(d: Pick<Dialogue, 'instruction' | 'turns'>, answers: readonly string[], turn: number): Message[] {
  const out: Message[] = [{ role: 'system', content: d.instruction }];
  for (let t = 0; t <= turn; t++) out.push({ role: 'user', content: d.turns[t]!.user }, { role: 'assistant', content: answers[t]! });
  return out;
}

/**
 * A training row: every token of the prefix is context, only the last answer (with its end-of-turn token, as
 * SFT trains to stop) carries loss.
 */
export function gattRow(tok: Tokenizer, messages: readonly Message[], template?: ChatTemplateName): ScoredSequence {
  const chat = formatChat(tok, [...messages], { addGenerationPrompt: false, ...(template ? { template } : {}) });
  return { ids: chat.ids, mask: lastRunMask(chat.assistantMask) };
}

/** Which turns of an n-turn dialogue are trained: k turns evenly spread, always including the first and last. */
export function prefixTurns(n: number, k: number): number[] {
  if (k >= n) return Array.from({ length: n }, (_, i) => i);
  if (k === 1) return [n - 1];
  return [...new Set(Array.from({ length: k }, (_, i) => Math.round((i * (n - 1)) / (k - 1))))];
}

export interface GattData {
  rows: ScoredSequence[];
  /** Answers per dialogue (what the rows were built from). */
  answers: string[][];
  /** Sampled answers that kept every constraint (over all sampled turns), and how many were replaced by the oracle. */
  sampledAdherence: number;
  replacedByOracle: number;
  /** Prefixes dropped because they exceed the context window. */
  droppedTooLong: number;
}

/** Steps 1–2: answers for every turn (sampled with `inst` on every user turn, or the oracle), then the rows. */
export function buildGattData(cfg: GattStageConfig, model: Llama, tok: Tokenizer, dialogues: readonly Dialogue[]): GattData {
  const n = cfg.turns;
  const answers: string[][] = dialogues.map(() => []);
  let kept = 0;
  let sampled = 0;
  let replaced = 0;
  const chats = cfg.answers === 'oracle' ? null : new DialogueDecoder(new Decoder(model.config, inferenceWeightsOf(model)), tok, dialogues.length, model.config.maxSeqLen, cfg.seed);
  for (let t = 0; t < n; t++) {
    const live = dialogues.map((d, i) => i).filter((i) => dialogues[i]!.turns.length > t);
    const draws = chats ? chats.answer(dialogues.map((d, i) => (d.turns.length > t ? promptIds(tok, samplingMessages(d, answers[i]!, t), cfg.template) : null)), cfg.sampling.maxTokens, cfg.sampling.temperature) : null;
    live.forEach((i) => {
      const d = dialogues[i]!;
      const gold = d.turns[t]!.gold;
      const s = draws?.[i] ?? undefined;
      if (s === undefined) { answers[i]!.push(gold); return; }
      sampled++;
      const ok = d.constraints.every((c) => checkConstraint(c, s));
      if (ok) kept++;
      if (cfg.answers === 'model-or-oracle' && !ok) { replaced++; answers[i]!.push(gold); } else answers[i]!.push(s);
    });
  }
  const rows: ScoredSequence[] = [];
  let dropped = 0;
  dialogues.forEach((d, i) => {
    for (const t of prefixTurns(Math.min(n, d.turns.length), cfg.prefixesPerDialogue)) {
      const row = gattRow(tok, trainingMessages(d, answers[i]!, t), cfg.template);
      if (row.ids.length > model.config.maxSeqLen) dropped++;
      else rows.push(row);
    }
  });
  return { rows, answers, sampledAdherence: sampled ? kept / sampled : 0, replacedByOracle: replaced, droppedTooLong: dropped };
}

/**
 * The control's rows: the same dialogues and prefixes, no instruction anywhere (no system message, plain user
 * turns) and plain answers — sampled without the instruction in 'model' mode, the world's un-decorated gold
 * otherwise.
 */
export function buildControlData(cfg: GattStageConfig, model: Llama, tok: Tokenizer, dialogues: readonly Dialogue[]): ScoredSequence[] {
  const n = cfg.turns;
  const answers: string[][] = dialogues.map(() => []);
  const chats = cfg.answers === 'model' ? new DialogueDecoder(new Decoder(model.config, inferenceWeightsOf(model)), tok, dialogues.length, model.config.maxSeqLen, cfg.seed) : null;
  for (let t = 0; t < n; t++) {
    const plain = (i: number): Message[] => samplingMessages({ instruction: '', turns: dialogues[i]!.turns }, answers[i]!, t).map((m) => ({ ...m, content: m.content.trim() }));
    const draws = chats ? chats.answer(dialogues.map((d, i) => (d.turns.length > t ? promptIds(tok, plain(i), cfg.template) : null)), cfg.sampling.maxTokens, cfg.sampling.temperature) : null;
    dialogues.forEach((d, i) => {
      if (d.turns.length > t) answers[i]!.push(draws?.[i] ?? d.turns[t]!.plainGold);
    });
  }
  const rows: ScoredSequence[] = [];
  dialogues.forEach((d, i) => {
    for (const t of prefixTurns(Math.min(n, d.turns.length), cfg.prefixesPerDialogue)) {
      const row = gattRow(tok, trainingMessages(d, answers[i]!, t).slice(1), cfg.template);
      if (row.ids.length <= model.config.maxSeqLen) rows.push(row);
    }
  });
  return rows;
}

/** A view of `model` with a longer context window (same parameters). */
export function withContext(model: Llama, contextLength: number): Llama {
  if (contextLength <= model.config.maxSeqLen) return model;
  return new Llama({ ...model.config, maxSeqLen: contextLength }, model.params);
}

export interface AdherenceRow {
  /** 1-based turn. */
  turn: number;
  /** Dialogues still within the context window at this turn. */
  n: number;
  /** Share of answers keeping every constraint, and mean judged content helpfulness. */
  adherence: number;
  helpfulness: number;
  /** Per constraint kind: the share of answers (of dialogues that carry it) keeping it — which decorations the model cannot make. */
  byKind?: Record<string, number>;
}

/**
 * Table 30's measurement: the model answers each held-out dialogue turn after turn (greedy, its own answers in
 * the history, `inst` only as the system message), every constraint checked at every turn.
 */
export function measureAdherence(model: Llama, tok: Tokenizer, dialogues: readonly Dialogue[], turns: number, maxTokens: number, template?: ChatTemplateName): AdherenceRow[] {
  const history: Message[][] = dialogues.map((d) => [{ role: 'system', content: d.instruction }]);
  const alive = dialogues.map(() => true);
  const chats = new DialogueDecoder(new Decoder(model.config, inferenceWeightsOf(model)), tok, dialogues.length);
  const rows: AdherenceRow[] = [];
  for (let t = 0; t < turns; t++) {
    const asked = dialogues.map((d, i) => alive[i] && d.turns.length > t);
    const prompts = dialogues.map((d, i) => {
      if (!asked[i]) return null;
      history[i]!.push({ role: 'user', content: d.turns[t]!.user });
      return promptIds(tok, history[i]!, template);
    });
    const answers = chats.answer(prompts, maxTokens, 0);
    let ok = 0;
    let help = 0;
    let n = 0;
    const kinds = new Map<string, [number, number]>();
    dialogues.forEach((d, i) => {
      if (!asked[i]) return;
      const answer = answers[i];
      if (answer === null || answer === undefined) { alive[i] = false; return; }
      const jd = judgeTurn(d, t, answer);
      n++;
      if (jd.constraints.every(Boolean)) ok++;
      d.constraints.forEach((c, j) => {
        const k = kinds.get(c.kind) ?? [0, 0];
        k[0] += jd.constraints[j] ? 1 : 0;
        k[1]++;
        kinds.set(c.kind, k);
      });
      help += jd.content;
      history[i]!.push({ role: 'assistant', content: answer });
    });
    const byKind = Object.fromEntries([...kinds.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, [kept, all]]) => [k, kept / all]));
    rows.push({ turn: t + 1, n, adherence: n ? ok / n : 0, helpfulness: n ? help / n : 0, byKind });
  }
  return rows;
}

/** Fine-tunes a model on rows whose masks say which tokens carry loss (the SFT loss, answer tokens only). */
export type RowFineTune<R = unknown> = (model: Llama, rows: readonly ScoredSequence[], io: StageIO) => R;

export interface GattResult<R> {
  data: Omit<GattData, 'rows' | 'answers'> & { rows: number; answers: GattStageConfig['answers']; controlRows: number };
  /** The starting model (at the stage's context length). */
  before: AdherenceRow[];
  /** The control: same dialogues and fine-tuning, without GAtt (null when control is off). */
  control: AdherenceRow[] | null;
  /** With GAtt. */
  after: AdherenceRow[];
  finetune: R;
  /** The trained policy: `policy` itself, or a view of its parameters with the longer context. */
  model: Llama;
}

/**
 * Adherence of the start, data from `policy`, the no-GAtt control (a copy fine-tuned on the same dialogues without
 * GAtt), the GAtt fine-tuning of `policy` (in place), adherence of both; plots the three curves.
 */
export function gattStage<R>(cfg: GattStageConfig, policy: Llama, tok: Tokenizer, train: readonly Dialogue[], heldout: readonly Dialogue[], finetune: RowFineTune<R>, io: StageIO): GattResult<R> {
  const model = withContext(policy, cfg.contextLength);
  const log = new StageLog<{ kind: 'before' | 'control' | 'after' } & AdherenceRow>(io, 'adherence.jsonl');
  const measure = (m: Llama) => measureAdherence(m, tok, heldout, cfg.evalTurns, cfg.sampling.maxTokens, cfg.template);
  const before = measure(model);
  for (const r of before) log.append({ kind: 'before', ...r });
  const data = buildGattData(cfg, model, tok, train);
  let control: AdherenceRow[] | null = null;
  let controlRows = 0;
  if (cfg.control) {
    const copy = trainableCopy(model);
    const rows = buildControlData(cfg, model, tok, train);
    controlRows = rows.length;
    finetune(copy, rows, io.out === null ? io : { ...io, out: join(io.out, 'control') });
    control = measure(copy);
    for (const r of control) log.append({ kind: 'control', ...r });
  }
  const ft = finetune(model, data.rows, io);
  const after = measure(model);
  for (const r of after) log.append({ kind: 'after', ...r });
  const pts = (rs: AdherenceRow[], y: (r: AdherenceRow) => number) => rs.filter((r) => r.n > 0).map((r) => [r.turn, y(r)] as const);
  log.write('gatt-adherence.svg', linePlot({ title: 'System-constraint adherence per turn (Llama 2 Table 30)', xLabel: 'turn', yLabel: 'share of answers keeping every constraint', series: [
    { name: 'start (SFT)', points: pts(before, (r) => r.adherence) },
    ...(control ? [{ name: 'without GAtt (same fine-tuning, no GAtt)', points: pts(control, (r) => r.adherence) }] : []),
    { name: 'with GAtt', points: pts(after, (r) => r.adherence) },
  ] }));
  const { rows, answers: _a, ...rest } = data;
  return { data: { ...rest, rows: rows.length, answers: cfg.answers, controlRows }, before, control, after, finetune: ft, model };
}
