// A training run small enough for a unit test (a 2-layer model of width 32 on the synthetic chain) that still
// crosses every feature of the loop: gradient accumulation, a batch-size ramp, a context/RoPE-θ stage change,
// warmup, cosine, annealing, evaluation, checkpoints and averaging.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const tmpRun = (name: string): string => join(mkdtempSync(join(tmpdir(), `llamats-train-${name}-`)), 'run');

export function tinyRunConfig(out: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    out,
    seed: 7,
    model: { preset: 'tiny', overrides: { dim: 32, nLayers: 2, nHeads: 2, nKvHeads: 1, headDim: 16, ffnDim: 64 } },
    data: { kind: 'synthetic', vocabSize: 64, branching: 2 },
    optim: { lr: 1e-2 },
    schedule: { steps: 12, warmupSteps: 2, annealSteps: 3 },
    stages: [
      { fromStep: 0, seqLen: 8, batchSize: 4, microBatch: 2 },
      { fromStep: 5, seqLen: 8, batchSize: 6, microBatch: 2 },
      { fromStep: 7, seqLen: 16, batchSize: 4, ropeTheta: 50000 },
    ],
    eval: { every: 4, sequences: 8 },
    checkpoint: { every: 3, keep: 3 },
    average: { checkpoints: 2 },
    sample: { tokens: 0 },
    ...over,
  };
}
