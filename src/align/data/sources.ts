// The SFT data a job config asks for, as loss sequences. Every imitation-tuning style of recipe §13 comes either
// from the world (each source draws its own prompt stream, so sources never share prompts) or from a file:
//   chat          world prompts answered with the gold (Llama 2 §3.1 demonstrations), chat template
//   orca          Orca system message demanding explanations + the oracle's (or a teacher model's) trace
//   alpaca        Alpaca instruction/input/output records, the fixed ### templates, EOS appended
//   sharegpt      Vicuna: multi-turn ShareGPT conversations, loss on every assistant turn, long ones split
//   lima-curated  LIMA: a small set spread evenly over task × difficulty, gold answers
//   lima-noisy    LIMA's contrast: many demonstrations, a share replaced by degraded answers
//   self-instruct seed tasks → a model proposes instructions → ROUGE-L and validity filters → oracle answers
//   file          a chat JSONL ({messages}), an Alpaca JSON or a ShareGPT JSON file
import { z } from 'zod';
import { existsSync } from 'node:fs';
import type { ChatTemplateName } from '../../tokenizer/chat-templates.js';
import type { Tokenizer } from '../../tokenizer/types.js';
import { ConfigError, FileFormatError } from '../../util/errors.js';
import { readJsonl } from '../../util/fs.js';
import { rngFor } from '../world/seeded.js';
import { alpacaExample, curatedSet, noisyDemonstrations, shareGptConversation, sftExample, type Message, type World } from '../world/index.js';
import { alpacaSequence, readAlpaca } from './alpaca.js';
import { orcaExamples, type OrcaTeacher } from './orca.js';
import { readShareGpt, shareGptMessages, splitLongConversation } from './sharegpt.js';
import { chatSequence, type LossSequence } from './sequence.js';
import { SELF_INSTRUCT, selfInstruct, type SelfInstructStats } from './self-instruct.js';
import type { Decoder } from '../../model/inference.js';

const n = z.number().int().min(1);

export const DataSourceSchema = z.discriminatedUnion('style', [
  z.strictObject({ style: z.literal('chat'), prompts: n, systemRate: z.number().min(0).max(1).default(0.1) }),
  z.strictObject({ style: z.literal('orca'), prompts: n, teacher: z.string().min(1).optional() }),
  z.strictObject({ style: z.literal('alpaca'), prompts: n }),
  z.strictObject({ style: z.literal('sharegpt'), conversations: n, minTurns: n.default(2), maxTurns: n.default(3) }),
  /** LIMA (recipe §13): 1,000 curated examples, drawn evenly over task × difficulty from a larger pool. */
  z.strictObject({ style: z.literal('lima-curated'), examples: n.default(1000), pool: n.default(20000) }),
  /** LIMA's contrast: 10× more demonstrations with a share of degraded answers (the world's default noise 0.3). */
  z.strictObject({ style: z.literal('lima-noisy'), examples: n.default(10000), noise: z.number().min(0).max(1).default(0.3) }),
  z.strictObject({
    style: z.literal('self-instruct'), generator: z.string().min(1), target: n.default(SELF_INSTRUCT.target), seeds: n.default(SELF_INSTRUCT.seeds),
    maxRounds: n.default(SELF_INSTRUCT.maxRounds), temperature: z.number().min(0).max(10).default(SELF_INSTRUCT.temperature), topP: z.number().gt(0).max(1).default(SELF_INSTRUCT.topP),
  }),
  z.strictObject({ style: z.literal('file'), format: z.enum(['chat', 'alpaca', 'sharegpt']), path: z.string().min(1) }),
]);
export type DataSource = z.infer<typeof DataSourceSchema>;

export interface SourceReport {
  style: DataSource['style'];
  examples: number;
  /** Self-instruct filter counts. */
  selfInstruct?: SelfInstructStats;
  /** Records skipped on import (ShareGPT roles that do not alternate, conversations that fit no row). */
  skipped?: number;
}

/** What building sources needs besides the world: the tokenizer, the row length, and models for teachers. */
export interface SourceContext {
  world: World;
  tok: Tokenizer;
  template: ChatTemplateName;
  /** Longest sequence a row holds (ShareGPT splitting). */
  maxTokens: number;
  /** Loads a llamats model for generation (Orca teacher, self-instruct generator). */
  loadModel(path: string): { decoder: Decoder; tokenizer: Tokenizer };
  /** Answers chats with a model (the Orca teacher). */
  teacherFor(path: string): OrcaTeacher;
}

/** A chat JSONL file: one {"messages": [{role, content}, …]} per line (sft.jsonl of `llamats world generate`). */
export function readChatFile(file: string): Message[][] {
  if (!existsSync(file)) throw new ConfigError('sft data', 'path', 'an existing file', JSON.stringify(file));
  return readJsonl(file).map((row, i) => {
    const where = `line ${i + 1}`;
    const ms = (row as { messages?: unknown } | null)?.messages;
    if (!Array.isArray(ms) || ms.length === 0) throw new FileFormatError(file, `${where}: messages`, 'a non-empty list of messages', JSON.stringify(ms)?.slice(0, 80));
    return ms.map((m: unknown, j): Message => {
      const o = m as { role?: unknown; content?: unknown } | null;
      if (o?.role !== 'system' && o?.role !== 'user' && o?.role !== 'assistant') throw new FileFormatError(file, `${where}: messages[${j}].role`, 'system, user or assistant', JSON.stringify(o?.role));
      if (typeof o.content !== 'string') throw new FileFormatError(file, `${where}: messages[${j}].content`, 'a string', JSON.stringify(o.content)?.slice(0, 80));
      return { role: o.role, content: o.content };
    });
  });
}

/** The loss sequences of one source (index i names its prompt stream). */
export function buildSource(src: DataSource, i: number, c: SourceContext): { sequences: LossSequence[]; report: SourceReport } {
  const { world, tok, template } = c;
  const stream = `sft-${i}-${src.style}`;
  const chat = (messages: readonly Message[][]) => messages.map((m) => chatSequence(tok, m, template));
  switch (src.style) {
    case 'chat': {
      const prompts = world.sample('train', src.prompts, { stream, systemRate: src.systemRate });
      return { sequences: chat(prompts.map((p) => sftExample(p).messages)), report: { style: src.style, examples: prompts.length } };
    }
    case 'orca': {
      const prompts = world.sample('train', src.prompts, { stream });
      const ex = orcaExamples(prompts, rngFor(world.config.seed, stream), src.teacher ? c.teacherFor(src.teacher) : undefined);
      return { sequences: chat(ex.map((e) => e.messages)), report: { style: src.style, examples: ex.length } };
    }
    case 'alpaca': {
      const prompts = world.sample('train', src.prompts, { stream });
      return { sequences: prompts.map((p) => alpacaSequence(tok, alpacaExample(p))), report: { style: src.style, examples: prompts.length } };
    }
    case 'sharegpt': {
      const rng = rngFor(world.config.seed, stream);
      const prompts = world.sample('train', src.conversations * src.maxTurns, { stream });
      const out: Message[][] = [];
      for (let k = 0, at = 0; k < src.conversations && at < prompts.length; k++) {
        const turns = src.minTurns + rng.int(src.maxTurns - src.minTurns + 1);
        const conv = shareGptConversation(`${stream}-${k}`, prompts.slice(at, at + turns));
        at += turns;
        const messages = shareGptMessages(conv);
        if (messages) out.push(...splitLongConversation(tok, messages, c.maxTokens + 1, template));
      }
      return { sequences: chat(out), report: { style: src.style, examples: out.length } };
    }
    case 'lima-curated': {
      const pool = world.sample('train', src.pool, { stream });
      const ex = curatedSet(pool, src.examples).map((p) => sftExample(p).messages);
      return { sequences: chat(ex), report: { style: src.style, examples: ex.length } };
    }
    case 'lima-noisy': {
      const prompts = world.sample('train', src.examples, { stream });
      const ex = noisyDemonstrations(world.kb, prompts, src.noise, rngFor(world.config.seed, `${stream}-noise`));
      return { sequences: chat(ex.map((e) => e.messages)), report: { style: src.style, examples: ex.length } };
    }
    case 'self-instruct': {
      const gen = c.loadModel(src.generator);
      const r = selfInstruct(world, gen, { ...SELF_INSTRUCT, target: src.target, seeds: src.seeds, maxRounds: src.maxRounds, temperature: src.temperature, topP: src.topP, seed: i + 1 });
      return { sequences: r.examples.map((e) => alpacaSequence(tok, e)), report: { style: src.style, examples: r.examples.length, selfInstruct: r.stats } };
    }
    case 'file': {
      if (src.format === 'alpaca') {
        const ex = readAlpaca(src.path);
        return { sequences: ex.map((e) => alpacaSequence(tok, e)), report: { style: src.style, examples: ex.length } };
      }
      if (src.format === 'sharegpt') {
        const convs = readShareGpt(src.path);
        const out: Message[][] = [];
        let skipped = 0;
        for (const conv of convs) {
          const m = shareGptMessages(conv);
          const parts = m ? splitLongConversation(tok, m, c.maxTokens + 1, template) : [];
          if (parts.length === 0) skipped++;
          out.push(...parts);
        }
        return { sequences: chat(out), report: { style: src.style, examples: out.length, skipped } };
      }
      const chats = readChatFile(src.path);
      return { sequences: chat(chats), report: { style: src.style, examples: chats.length } };
    }
  }
}
