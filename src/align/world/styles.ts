// The same prompts rendered as the imitation-tuning datasets of recipe §13: plain SFT chats (messages lists,
// Llama 2 §3.1), Alpaca instruction/input/output, ShareGPT / Vicuna multi-turn conversations, Orca (a system
// message asking for explanations, answered with the oracle's step-by-step trace), and the LIMA pair — a small
// curated set balanced over tasks against a larger set with a share of degraded ("noisy") demonstrations.
import type { Rng } from '../../util/rng.js';
import type { Message, Prompt } from './types.js';
import type { Kb } from './kb.js';
import { applyConstraints } from './constraints.js';
import { degradedResponses, type DegradeKind } from './degrade.js';
import { judge } from './judge.js';

export interface ChatExample {
  id: string;
  messages: Message[];
}

/** The prompt's messages followed by the assistant's answer (the gold by default). */
export function sftExample(p: Prompt, response: string = p.oracle.gold): ChatExample {
  return { id: p.id, messages: [...p.messages, { role: 'assistant', content: response }] };
}

export interface AlpacaExample {
  instruction: string;
  input: string;
  output: string;
}

/** Alpaca has no system role: a system instruction goes in front of the instruction. */
export function alpacaExample(p: Prompt): AlpacaExample {
  const system = p.messages.find((m) => m.role === 'system')?.content;
  return { instruction: system ? `${system} ${p.alpaca.instruction}` : p.alpaca.instruction, input: p.alpaca.input, output: p.oracle.gold };
}

export interface ShareGptConversation {
  id: string;
  conversations: { from: 'system' | 'human' | 'gpt'; value: string }[];
}

const SHAREGPT_ROLE = { system: 'system', user: 'human', assistant: 'gpt' } as const;

/** One multi-turn conversation made of several prompts answered in turn (Vicuna trains on all gpt turns). */
export function shareGptConversation(id: string, prompts: readonly Prompt[]): ShareGptConversation {
  const conversations: ShareGptConversation['conversations'] = [];
  for (const p of prompts) {
    for (const m of p.messages) {
      // One system message per conversation: the first prompt's (later ones' constraints would contradict it).
      if (m.role === 'system' && conversations.length > 0) continue;
      conversations.push({ from: SHAREGPT_ROLE[m.role], value: m.content });
    }
    conversations.push({ from: 'gpt', value: conversations.some((c) => c.from === 'system') ? applyConstraints(prompts[0]!.oracle.constraints, p.oracle.plainGold) : p.oracle.plainGold });
  }
  return { id, conversations };
}

export const ORCA_SYSTEMS = [
  'You are a helpful assistant. Think step by step and explain your answer.',
  'Explain your reasoning step by step, then give the answer.',
  'You are a patient teacher. Show each step before the answer.',
] as const;

/** Orca: a system message that asks for an explanation, answered with the oracle's trace. */
export function orcaExample(p: Prompt, rng: Rng): ChatExample {
  const system = rng.pick(ORCA_SYSTEMS);
  const own = p.messages.find((m) => m.role === 'system')?.content;
  const user = p.messages.filter((m) => m.role !== 'system');
  return {
    id: p.id,
    messages: [{ role: 'system', content: own ? `${system} ${own}` : system }, ...user, { role: 'assistant', content: applyConstraints(p.oracle.constraints, p.oracle.explanation) }],
  };
}

/** LIMA-style curation: `n` prompts spread evenly over (task, difficulty), each answered with the gold. */
export function curatedSet(prompts: readonly Prompt[], n: number): Prompt[] {
  const groups = new Map<string, Prompt[]>();
  for (const p of prompts) {
    const k = `${p.task}|${p.difficulty}`;
    groups.set(k, [...(groups.get(k) ?? []), p]);
  }
  const queues = [...groups.values()];
  const out: Prompt[] = [];
  for (let round = 0; out.length < n && queues.some((q) => q.length > round); round++) {
    for (const q of queues) if (out.length < n && q.length > round) out.push(q[round]!);
  }
  return out;
}

export interface NoisyExample extends ChatExample {
  /** Which response the demonstration holds: 'gold' or a degradation (degrade.ts). */
  kind: DegradeKind;
}

/** Demonstrations where a share `noise` of the answers is replaced by a random response the judge scores lower. */
export function noisyDemonstrations(kb: Kb, prompts: readonly Prompt[], noise: number, rng: Rng): NoisyExample[] {
  return prompts.map((p) => {
    if (rng.uniform() >= noise) return { ...sftExample(p), kind: 'gold' as const };
    const best = judge(p, p.oracle.gold).helpfulness;
    const bad = degradedResponses(kb, p, rng).filter((c) => judge(p, c.response).helpfulness < best - 0.05);
    const c = bad.length > 0 ? rng.pick(bad) : { kind: 'gold' as const, response: p.oracle.gold };
    return { ...sftExample(p, c.response), kind: c.kind };
  });
}
