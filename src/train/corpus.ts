// Training data from real text: documents from src/data's sources, a held-out split by document, a BPE
// tokenizer trained on the training split (src/tokenizer; saved in the run folder so a resumed run reuses it),
// and batches whose rows are drawn per domain to the mix weights (domain-rows.ts, over src/data's mixer and
// packer with document masks), one set of rows for the main mix and one for the annealing mix (Llama 3 §3.4.3).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseDataConfig } from '../data/config.js';
import type { Doc } from '../data/doc.js';
import { hashString } from '../data/hash.js';
import { annealingWeights, planMix } from '../data/mix.js';
import { loadSources } from '../data/sources.js';
import { tokenizerToHfJson } from '../tokenizer/hf-json.js';
import { loadTokenizer } from '../tokenizer/load.js';
import { makeTokenizer } from '../tokenizer/make.js';
import { trainTokenizer } from '../tokenizer/train-tokenizer.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { ConfigError } from '../util/errors.js';
import { log } from '../util/progress.js';
import { writeFileAtomic } from '../util/fs.js';
import { countTokens, unigramCrossEntropy, type Batch, type TrainData } from './data.js';
import { DomainRows, STREAMS_PER_DOMAIN } from './domain-rows.js';
import type { TrainConfig } from './config.js';

type CorpusConfig = Extract<TrainConfig['data'], { kind: 'corpus' }>;

export class CorpusData implements TrainData {
  readonly vocabSize: number;
  private readonly main: DomainRows;
  private readonly anneal: DomainRows;
  private readonly encode: (text: string) => readonly number[];

  constructor(
    readonly tokenizer: Tokenizer,
    private readonly train: Doc[],
    private readonly val: Doc[],
    private readonly c: CorpusConfig,
    seed: number,
    resetPositions: boolean,
  ) {
    this.vocabSize = tokenizer.vocabSize;
    // Each document is encoded once; the mixer asks again on every epoch.
    const cache = new Map<string, readonly number[]>();
    this.encode = (text) => {
      let ids = cache.get(text);
      if (!ids) cache.set(text, (ids = tokenizer.encode(text)));
      return ids;
    };
    const weights = planMix(train, c.mix).weights;
    const annealWeights = annealingWeights(weights, c.annealing);
    const pack = { bos: tokenizer.bos, eos: tokenizer.eos, resetPositions };
    this.main = new DomainRows(train, weights, this.encode, seed, pack);
    this.anneal = new DomainRows(train, annealWeights, this.encode, seed + STREAMS_PER_DOMAIN, pack);
  }

  next(B: number, T: number, annealing: boolean): Batch {
    return (annealing ? this.anneal : this.main).next(B, T);
  }

  cursor(): unknown {
    return { main: this.main.cursor(), anneal: this.anneal.cursor() };
  }

  restore(cursor: unknown): void {
    const c = (cursor ?? {}) as { main?: unknown; anneal?: unknown };
    this.main.restore(c.main, 'checkpoint data cursor main');
    this.anneal.restore(c.anneal, 'checkpoint data cursor anneal');
  }

  /** Held-out documents packed in a fixed order (rows drawn with the main weights and fixed seeds). */
  validation(B: number, T: number, sequences: number): Batch[] {
    const weights = planMix(this.val, this.c.mix).weights;
    const rows = new DomainRows(this.val, weights, this.encode, 0, { bos: this.tokenizer.bos, eos: this.tokenizer.eos, resetPositions: true });
    const out: Batch[] = [];
    for (let done = 0; done < sequences; done += B) out.push(rows.next(Math.min(B, sequences - done), T));
    return out;
  }

  unigramEntropy(T: number, sequences: number): number {
    const counts = countTokens(this.vocabSize, this.train.map((d) => [...this.encode(d.text), this.tokenizer.eos]));
    return unigramCrossEntropy(counts, this.validation(sequences, T, sequences).flatMap((b) => [...b.targets]));
  }
}

/** Loads the documents, splits them, trains (or, on resume, reloads) the tokenizer. */
export function openCorpus(cfg: TrainConfig, resume: boolean): CorpusData {
  const c = cfg.data as CorpusConfig;
  const { sources } = parseDataConfig('train config: data', { sources: c.sources });
  const docs = loadSources(sources);
  // Held out by a hash of the document id: stable when sources are added, independent of order.
  const isVal = (d: Doc) => hashString(d.id, cfg.seed) / 2 ** 32 < c.valFraction;
  const train = docs.filter((d) => !isVal(d));
  const val = docs.filter(isVal);
  if (val.length === 0 || train.length === 0) {
    throw new ConfigError('train config', 'data.valFraction', `a fraction that leaves documents on both sides (${docs.length} documents)`, `${c.valFraction}: ${train.length} training, ${val.length} held out`);
  }
  const path = join(cfg.out, 'tokenizer.json');
  let tokenizer: Tokenizer;
  if (resume && existsSync(path)) {
    tokenizer = loadTokenizer(path);
  } else {
    log(`train: ${train.length} training / ${val.length} held-out documents; training a ${c.tokenizer.kind} tokenizer of ${c.tokenizer.vocabSize} tokens`);
    tokenizer = makeTokenizer(trainTokenizer(train.map((d) => d.text), { kind: c.tokenizer.kind, vocabSize: c.tokenizer.vocabSize, specialTokens: 16 }));
    mkdirSync(cfg.out, { recursive: true });
    writeFileAtomic(path, JSON.stringify(tokenizerToHfJson(tokenizer)));
  }
  return new CorpusData(tokenizer, train, val, c, cfg.seed, cfg.documentMasking);
}
