// Self-Instruct (Wang et al. 2023; recipe §13: how Alpaca's 52K instructions were made), at world scale:
//   1. seed tasks: a few human-written instructions — here world train prompts, one per task type;
//   2. a model proposes new instructions: it continues the prompt "Come up with a series of tasks:" followed by
//      8 numbered demonstrations (6 seed tasks and 2 earlier generations, as §2.2) and "Task 9:";
//   3. filters (§2.3): 3 < words ≤ 150, ROUGE-L < 0.7 against every instruction already in the pool, and — our
//      stand-in for "the teacher could answer it" — validity: the instruction must be one the world can pose, i.e.
//      it is found (normalised) in an index of world train prompts, which gives its oracle;
//   4. the oracle answers the accepted instructions (text-davinci-003's role in Alpaca), giving Alpaca records.
// Validity by lookup is honest but strict: a well-formed new question about a fact outside the index is rejected.
import { generateBatch } from '../../generate/batch.js';
import type { Decoder } from '../../model/inference.js';
import type { Tokenizer } from '../../tokenizer/types.js';
import { Rng } from '../../util/rng.js';
import { alpacaExample, curatedSet, type AlpacaExample, type Prompt, type World } from '../world/index.js';
import { taskList } from './pretraining.js';

/** rouge_score's default tokenizer: lower case, every non-alphanumeric character a separator. */
export function rougeTokens(s: string): string[] {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim().split(' ').filter((w) => w !== '');
}

/** ROUGE-L F-measure (rouge_score `rougeL`): LCS of the token sequences, F = 2PR / (P + R). */
export function rougeL(a: string, b: string): number {
  const x = rougeTokens(a);
  const y = rougeTokens(b);
  if (x.length === 0 || y.length === 0) return 0;
  let prev = new Array<number>(y.length + 1).fill(0);
  for (let i = 1; i <= x.length; i++) {
    const cur = new Array<number>(y.length + 1).fill(0);
    for (let j = 1; j <= y.length; j++) cur[j] = x[i - 1] === y[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    prev = cur;
  }
  const lcs = prev[y.length]!;
  if (lcs === 0) return 0;
  const p = lcs / x.length;
  const r = lcs / y.length;
  return (2 * p * r) / (p + r);
}

/** Normalised text for the validity index: lower case, single spaces. */
export const normalizeInstruction = (s: string): string => s.toLowerCase().replace(/\s+/g, ' ').trim();

/** The user text of a prompt (system constraints are not part of an instruction). */
export const instructionOf = (p: Prompt): string => p.messages.filter((m) => m.role === 'user').map((m) => m.content).join(' ');

export interface SelfInstructOptions {
  /** Seed instructions (Self-Instruct: 175 human-written tasks). */
  seeds: number;
  /** Accepted instructions wanted. */
  target: number;
  /** Generation rounds at most (each proposes `perRound` instructions). */
  maxRounds: number;
  perRound: number;
  /** Reject an instruction whose ROUGE-L with any pooled one reaches this (Self-Instruct §2.3: 0.7). */
  maxRougeL: number;
  /** World train prompts indexed for the validity check. */
  indexSize: number;
  /**
   * Sampling for instruction generation: Alpaca's generate_instruction.py uses temperature 1.0, top-p 1.0
   * (Self-Instruct's GPT-3 runs used 0.7 / 0.5). With the tiny world base model, 0.7 / 0.5 accepts 16 of 960
   * proposals (587 near-copies of the demonstrations), 1.0 / 1.0 accepts 16 of 128 (README).
   */
  temperature: number;
  topP: number;
  maxTokens: number;
  seed: number;
}

export const SELF_INSTRUCT: SelfInstructOptions = { seeds: 25, target: 200, maxRounds: 20, perRound: 32, maxRougeL: 0.7, indexSize: 20000, temperature: 1, topP: 1, maxTokens: 48, seed: 1 };

export interface SelfInstructStats {
  generated: number;
  /** Outside 3 < words ≤ 150. */
  badLength: number;
  /** ROUGE-L ≥ maxRougeL with an instruction already in the pool (seeds included). */
  tooSimilar: number;
  /** Not an instruction the world can pose (not in the index). */
  invalid: number;
  accepted: number;
  rounds: number;
}

/** The filters of step 3 for one candidate against the pool; returns why it fails, or the world prompt it is. */
export function screen(candidate: string, pool: readonly string[], index: ReadonlyMap<string, Prompt>, maxRougeL: number): { ok: true; prompt: Prompt } | { ok: false; reason: 'badLength' | 'tooSimilar' | 'invalid' } {
  const words = candidate.trim().split(/\s+/).filter((w) => w !== '').length;
  if (words <= 3 || words > 150) return { ok: false, reason: 'badLength' };
  if (pool.some((p) => rougeL(candidate, p) >= maxRougeL)) return { ok: false, reason: 'tooSimilar' };
  const prompt = index.get(normalizeInstruction(candidate));
  return prompt ? { ok: true, prompt } : { ok: false, reason: 'invalid' };
}

/** Runs the pipeline with `generator` proposing instructions; returns Alpaca records answered by the oracle. */
export function selfInstruct(world: World, generator: { decoder: Decoder; tokenizer: Tokenizer }, o: SelfInstructOptions): { examples: AlpacaExample[]; seeds: string[]; stats: SelfInstructStats } {
  const index = new Map<string, Prompt>();
  for (const p of world.sample('train', o.indexSize, { stream: 'self-instruct-index' })) {
    const t = instructionOf(p);
    if (!t.includes('\n') && p.messages.every((m) => m.role !== 'system')) index.set(normalizeInstruction(t), p);
  }
  const seeds = curatedSet(world.sample('train', 40 * o.seeds, { stream: 'self-instruct-seeds' }), o.seeds)
    .map(instructionOf).filter((t) => !t.includes('\n'));
  const pool = [...seeds];
  const generated: string[] = [];
  const accepted: Prompt[] = [];
  const stats: SelfInstructStats = { generated: 0, badLength: 0, tooSimilar: 0, invalid: 0, accepted: 0, rounds: 0 };
  const rng = new Rng(o.seed);
  const tok = generator.tokenizer;
  for (let round = 0; round < o.maxRounds && accepted.length < o.target; round++) {
    stats.rounds++;
    const prompts = Array.from({ length: o.perRound }, () => {
      const demos = [...rng.shuffle(seeds.slice()).slice(0, generated.length >= 2 ? 6 : 8), ...rng.shuffle(generated.slice()).slice(0, 2)];
      return { prompt: tok.encode(`${taskList(demos)}\nTask ${demos.length + 1}:`, { bos: true }) };
    });
    const samples = generateBatch(generator.decoder, tok, prompts, {
      temperature: o.temperature, topP: o.topP, maxTokens: o.maxTokens, seed: o.seed + round * o.perRound, stop: ['\n'],
    }, { contextLength: generator.decoder.config.maxSeqLen });
    for (const s of samples) {
      const candidate = s[0]!.text.trim();
      stats.generated++;
      const r = screen(candidate, pool, index, o.maxRougeL);
      if (!r.ok) {
        stats[r.reason]++;
        continue;
      }
      pool.push(candidate);
      generated.push(candidate);
      accepted.push(r.prompt);
      if (accepted.length >= o.target) break;
    }
  }
  stats.accepted = accepted.length;
  return { examples: accepted.map(alpacaExample), seeds, stats };
}
