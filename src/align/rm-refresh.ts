// Keeping the reward models on-distribution (Llama 2 §3.2.1–3.2.2: preference data was collected in weekly batches
// from the LATEST Llama 2-Chat, "to keep the reward model on-distribution"; a reward model trained on other
// models' answers "can be inaccurate in the new distribution" and the policy learns to exploit it). Samples of the
// current policy are annotated by the world's annotators — helpfulness annotation on ordinary prompts, safety
// annotation on the safety family, every rating kept (Llama 2 trains on all four with margins) — and each reward
// model continues training on this new batch mixed with an equal share of its original data, one epoch
// (the reward-model stage's trainer and schedule, reward-train.ts).
import { z } from 'zod';
import type { Llama } from '../model/llama.js';
import type { Tokenizer } from '../tokenizer/types.js';
import type { ChatTemplateName } from '../tokenizer/chat-templates.js';
import { Rng } from '../util/rng.js';
import { annotate, DEFAULT_ANNOTATOR, type AnnotationKind, type Message, type PreferenceRow, type Prompt, type World } from './world/index.js';
import { samplePolicy } from './sampling.js';
import { samplingSchema, optimSchema } from './stage-config.js';
import { rankedGroup, worldPairs } from './data/preferences.js';
import { trainRewardModel } from './reward-train.js';
import type { RewardModel } from './reward.js';
import type { StageIO } from './stage-io.js';

export const RmRefreshSchema = z.strictObject({
  /** Prompts sampled from the policy per annotation kind (each gives up to two annotated pairs). */
  prompts: z.number().int().min(1).default(600),
  /** Samples per prompt: disjoint pairs of distinct samples are annotated (4 → up to 2 pairs). */
  n: z.number().int().min(2).default(4),
  sampling: samplingSchema({ temperature: 1.0, topP: 1.0, maxTokens: 64 }),
  /** Original (world) pairs mixed in per on-policy pair, so the model keeps what it knew. */
  replay: z.number().min(0).default(1),
  /** Llama 2 Table 27 margins of the refresh (as the RM stage's default). */
  margins: z.enum(['none', 'small', 'large']).default('small'),
  epochs: z.number().int().min(1).default(1),
  groupsPerStep: z.number().int().min(1).default(24),
  /** The RM stage's peak lr, warmup 3% (min 5), cosine to 10% (Llama 2 §3.2.2). */
  optim: optimSchema({ lr: 3e-4 }),
  seed: z.number().int().min(0).default(1),
});
export type RmRefreshConfig = z.infer<typeof RmRefreshSchema>;

const assistant = (content: string): Message[] => [{ role: 'assistant', content }];

/** Annotated pairs of the policy's own samples (disjoint pairs of distinct samples per prompt), every rating kept. */
export function onPolicyAnnotations(model: Llama, tok: Tokenizer, prompts: readonly Prompt[], kind: AnnotationKind, o: { n: number; sampling: RmRefreshConfig['sampling']; seed: number; template?: ChatTemplateName | undefined }, rng: Rng): PreferenceRow[] {
  const drawn = samplePolicy(model, tok, prompts.map((p) => p.messages), { n: o.n, ...o.sampling, seed: o.seed, template: o.template });
  const rows: PreferenceRow[] = [];
  drawn.forEach((d, i) => {
    if (!d) return;
    const p = prompts[i]!;
    const texts = [...new Set(d.samples.map((s) => s.text.trim()))];
    for (let j = 0; j + 1 < texts.length; j += 2) {
      const ann = annotate(p, texts[j]!, texts[j + 1]!, rng, DEFAULT_ANNOTATOR, kind);
      if (!ann) continue;
      rows.push({
        id: `${kind}-onpolicy-${p.id}-${j}`, kind, promptId: p.id, task: p.task, prompt: p.messages,
        chosen: assistant(ann.chosen), rejected: assistant(ann.rejected), rating: ann.rating, annotator: ann.annotator,
        scores: ann.scores, agreesWithJudge: ann.agreesWithJudge, ...(ann.safety ? { safety: ann.safety } : {}),
      });
    }
  });
  return rows;
}

export interface RefreshReport {
  kind: 'helpfulness' | 'safety';
  onPolicyPairs: number;
  replayPairs: number;
  steps: number;
  lossFirst: number;
  lossLast: number;
}

/**
 * Annotates the policy's samples for the RM's kind (helpfulness: ordinary prompts; safety: the safety family)
 * and continues training `rm` in place on them plus replayed world pairs.
 */
export function refreshRewardModel(cfg: RmRefreshConfig, rm: RewardModel, kind: 'helpfulness' | 'safety', policy: Llama, tok: Tokenizer, world: World, template: ChatTemplateName, io: StageIO): RefreshReport {
  const rng = new Rng(cfg.seed * 7 + (kind === 'safety' ? 1 : 0));
  const mix = kind === 'safety' ? { safety: 1 } : { ...world.config.mix, safety: 0 };
  const prompts = world.sample('train', cfg.prompts, { stream: `rm-refresh-${kind}-${cfg.seed}`, mix });
  const fresh = onPolicyAnnotations(policy, tok, prompts, kind, { n: cfg.n, sampling: cfg.sampling, seed: cfg.seed, template }, rng);
  const replay = Math.round(cfg.replay * fresh.length);
  const old = replay > 0 ? worldPairs(world, 'train', kind, replay, rng, DEFAULT_ANNOTATOR, { stream: `rm-refresh-replay-${kind}-${cfg.seed}`, systemRate: 0.1 }) : [];
  const seqLen = rm.config.maxSeqLen;
  const groups = [...fresh, ...old].map((r) => rankedGroup(tok, r, { kind: 'margin', margins: cfg.margins }, template)).filter((g) => g.sequences.every((s) => s.length <= seqLen));
  const res = trainRewardModel(rm, groups, [], {
    epochs: cfg.epochs, seqLen, groupsPerStep: cfg.groupsPerStep, microGroups: cfg.groupsPerStep,
    lr: cfg.optim.lr, minLrRatio: 0.1, warmupFraction: 0.03, minWarmupSteps: 5, optim: cfg.optim, loss: 'margin', evalEvery: 1_000_000, seed: cfg.seed,
  }, io);
  return { kind, onPolicyPairs: fresh.length, replayPairs: old.length, steps: res.steps, lossFirst: res.losses[0] ?? NaN, lossLast: res.losses.at(-1) ?? NaN };
}
