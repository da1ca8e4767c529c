// The post-training stages of the recipe (issues 9 and 10), in the order of Llama 2 §3 / Llama 3 §4:
//   SFT → helpfulness and safety reward models → rejection sampling → DPO (Llama 3) and PPO (Llama 2) on top of
//   the rejection-sampling model → Ghost Attention on the DPO model (the chat model the recipe exports) →
//   evaluation of every model on held-out prompts by the world's judges.
// Each stage is the same function its CLI runs (src/align/*-run.ts); the recipe only chooses inputs and sizes:
// the functions here return each stage's complete, validated run config (defaults resolved), which is also what
// the stage's cache key is made of (run.ts), so a changed default re-runs the stage like a changed override.
// Defaults are the settings the stage sweeps found on the tiny world chain (configs/*-tiny.json, README);
// `quick` shrinks every count so the whole recipe fits a test.
import { join } from 'node:path';
import { parseDpoRun, type DpoRunConfig } from '../align/dpo-run.js';
import { parseGattRun, type GattRunConfig } from '../align/gatt-run.js';
import { parsePpoRun, type PpoRunConfig } from '../align/ppo-run.js';
import { parseRewardRun, type RewardRunConfig } from '../align/reward-run.js';
import { parseRsRun, type RsRunConfig } from '../align/rs-run.js';
import { parseSftRun, type SftRunConfig } from '../align/sft-run.js';
import { parseEvalRun, type EvalRunConfig } from '../eval/run.js';
import { merge, type RecipeConfig } from './config.js';

const q = (cfg: RecipeConfig, full: number, quick: number) => (cfg.quick ? quick : full);
const worldOf = (cfg: RecipeConfig) => ({ seed: cfg.seed, size: cfg.world.size });
const evalOf = (cfg: RecipeConfig) => ({ heldout: q(cfg, 200, 24), safety: q(cfg, 100, 16), maxTokens: 48 });

export function sftConfig(cfg: RecipeConfig, base: string, dir: string): SftRunConfig {
  return parseSftRun(merge({
    out: dir, base, world: worldOf(cfg), template: 'llama3',
    // 16,000 chats × 3 epochs: with 8,000 a later fine-tuning on more gold chats alone (GAtt's replay) beat this SFT
    // model 64% of the time, so every later stage was measured against an under-trained baseline (README).
    data: { train: [{ style: 'chat', prompts: q(cfg, 16000, 600), systemRate: 0.1 }], heldout: q(cfg, 200, 32) },
    stage: { epochs: q(cfg, 3, 1), rowsPerStep: 8, optim: { lr: 0.003 }, evalEvery: 100 },
  }, cfg.sft), 'recipe config: sft');
}

export function rewardConfig(cfg: RecipeConfig, kind: 'helpfulness' | 'safety', base: string, dir: string): RewardRunConfig {
  return parseRewardRun(merge({
    out: dir, base, kind, world: worldOf(cfg), objective: { kind: 'margin', margins: 'small' },
    data: { helpfulnessPrompts: q(cfg, 1200, 150), safetyPrompts: q(cfg, kind === 'safety' ? 1800 : 1200, 150), mix: 'llama2', heldoutPrompts: q(cfg, 1000, 100) },
    stage: { epochs: 1, groupsPerStep: 24, optim: { lr: 3e-4 } },
  }, cfg.rm), `recipe config: rm (${kind})`);
}

export interface RewardModels {
  helpfulness: string;
  safety: string;
}

export function rsConfig(cfg: RecipeConfig, policy: string, rms: RewardModels, dir: string): RsRunConfig {
  return parseRsRun(merge({
    out: dir, policy, rewardModels: rms, world: worldOf(cfg), template: 'llama3',
    // Llama 3 §4.1.3 fine-tunes on the rejection-sampled answers together with human-curated data: here 5,000 gold
    // world demonstrations. Without them the RS model lost to SFT (validation 38.1% win rate, 1,000 prompts): the
    // 1.8M-parameter RMs pick the model's own mistakes; with them it won 56.9% (README, "In the recipe").
    data: { prompts: q(cfg, 600, 48), curated: q(cfg, 5000, 0) },
    stage: {
      k: q(cfg, 10, 4), sampling: { temperature: 0.6, maxTokens: 48 },
      sweep: { ks: cfg.quick ? [1, 2, 4] : [1, 2, 4, 8, 16], temperatures: cfg.quick ? [0.6, 1.2] : [0.6, 0.8, 1.0, 1.2, 1.4], prompts: q(cfg, 32, 8) },
    },
    sweep: true,
    sft: { epochs: 1, rowsPerStep: 8, optim: { lr: 3e-4 } },
    eval: evalOf(cfg),
  }, cfg.rs), 'recipe config: rs');
}

export function dpoConfig(cfg: RecipeConfig, policy: string, rms: RewardModels, dir: string): DpoRunConfig {
  return parseDpoRun(merge({
    out: dir, policy, rewardModels: rms, world: worldOf(cfg), template: 'llama3',
    // Pairs around what the model says when deployed: its greedy answer against each of n samples at T 0.8,
    // annotated by the world's simulated annotators ("significantly better"/"better" kept). Validation win rates
    // vs SFT of the variants tried (README): this 50.0%, disjoint sample pairs at T 0.7 47.5%, at T 1.0 with 3,000
    // prompts 44.6% (42.0% with edited pairs); lr 2e-4 / 5e-4 / 1e-3 on these pairs 40.2 / 34.3 / 14.6%.
    data: { source: 'on-policy', prompts: q(cfg, 2000, 64), sampling: { n: q(cfg, 6, 4), pairing: 'greedy', sampling: { temperature: 0.8, maxTokens: 48 } } },
    // lr 1e-5 (Llama 3 §4.1.4's value): on the RS model with curated data, validation win rate vs RS 56.9% at 1e-5,
    // 50.6% at 2e-5, 38.6% at 5e-5 (the previous default, chosen on the earlier, weaker chain).
    stage: { beta: 0.1, nllWeight: 0.2, epochs: 2, batchPairs: 16, optim: { lr: 1e-5 } },
    eval: evalOf(cfg),
  }, cfg.dpo), 'recipe config: dpo');
}

export function ppoConfig(cfg: RecipeConfig, policy: string, rms: RewardModels, dir: string): PpoRunConfig {
  return parsePpoRun(merge({
    out: dir, policy, rewardModels: rms, world: worldOf(cfg), template: 'llama3',
    data: { prompts: q(cfg, 2000, 128), heldout: q(cfg, 64, 16) },
    stage: {
      // KL β 0.2 and lr 3e-5: with β 0.05 / lr 1e-4 the policy hacked the RMs (RM reward up, validation win rate vs
      // SFT 36.9%); here it stays near its start (51.0%). The 1.8M-parameter RMs cannot rank its samples (README).
      iterations: q(cfg, 30, 3), batchSize: q(cfg, 64, 16), miniBatch: 16, ppoEpochs: 1, klBeta: 0.2, optim: { lr: 3e-5 },
      sampling: { temperature: 1.0, topP: 1.0, maxTokens: 48 }, eval: { every: q(cfg, 5, 3), prompts: q(cfg, 64, 16) },
    },
    eval: evalOf(cfg),
  }, cfg.ppo), 'recipe config: ppo');
}

export function gattConfig(cfg: RecipeConfig, policy: string, dir: string): GattRunConfig {
  return parseGattRun(merge({
    out: dir, policy, world: worldOf(cfg), template: 'llama3',
    // 400 dialogues: with 200, adherence at turn 20 was 46% (last word 10%); with 400, 72% (last word 73%) — README.
    // Llama 2 §3.3 adds GAtt samples to the regular fine-tuning data: single-turn demonstrations of every family
    // (safety refusals included) are replayed, so the chat model keeps what SFT and DPO gave it.
    data: { dialogues: q(cfg, 400, 16), heldout: q(cfg, 40, 8), maxConstraints: 2, replay: { chat: q(cfg, 5000, 64), systemRate: 0.6 } },
    stage: {
      answers: 'model-or-oracle', turns: q(cfg, 20, 6), prefixesPerDialogue: q(cfg, 6, 3), evalTurns: q(cfg, 20, 6),
      contextLength: q(cfg, 1024, 384), sampling: { temperature: 0.6, maxTokens: 48 },
    },
    // With the replay, lr 2e-3 (validation: adherence at turn 20 59% vs 25% at 1e-3 with 3,000 replayed at rate 0.5;
    // helpfulness 0.500 vs 0.505, DPO model 0.472).
    sft: { epochs: q(cfg, 3, 1), rowsPerStep: 8, optim: { lr: 2e-3 } },
  }, cfg.gatt), 'recipe config: gatt');
}

/** Every model of the run on the same held-out prompts: helpfulness, violation and false-refusal rates, win rates. */
export function evalConfig(cfg: RecipeConfig, models: { name: string; path: string }[], rms: RewardModels, dir: string): EvalRunConfig {
  return parseEvalRun(merge({
    out: dir, world: worldOf(cfg),
    // 1,000 held-out prompts: ~200 decisive comparisons per win rate, a 95% interval of about ±7 points (±11 with 300).
    prompts: { heldout: q(cfg, 1000, 32), safety: q(cfg, 100, 16), systemRate: 0.1 },
    generation: { maxTokens: 64, temperature: 0 },
    models: models.map((m) => ({ ...m, format: 'chat', template: 'llama3' })),
    winRates: [
      ...models.filter((m) => m.name !== 'sft' && m.name !== 'pretrained').map((m) => [m.name, 'sft']),
      // GAtt must not cost the chat model what DPO gave it (issue 10).
      ...(models.some((m) => m.name === 'dpo') && models.some((m) => m.name === 'dpo+gatt') ? [['dpo+gatt', 'dpo']] : []),
    ],
    rewardModels: [
      { name: 'helpfulness RM', path: rms.helpfulness, prompts: q(cfg, 300, 32) },
      { name: 'safety RM', path: rms.safety, prompts: q(cfg, 300, 32) },
    ],
  }, cfg.eval), 'recipe config: eval');
}

export const modelFile = (dir: string) => join(dir, 'model.gguf');
