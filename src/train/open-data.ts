// The data a config asks for: the bundled corpora (corpus.ts) or the synthetic toy language (synthetic.ts).
import type { TrainConfig } from './config.js';
import { openCorpus } from './corpus.js';
import type { TrainData } from './data.js';
import { SyntheticData } from './synthetic.js';

export function openData(cfg: TrainConfig, resume: boolean): TrainData {
  const d = cfg.data;
  return d.kind === 'synthetic' ? new SyntheticData({ vocabSize: d.vocabSize, branching: d.branching, seed: cfg.seed }) : openCorpus(cfg, resume);
}
