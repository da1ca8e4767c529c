// Training data from real text: documents from src/data's sources, a held-out split by document, a BPE
// tokenizer trained on the training split (src/tokenizer; saved in the run folder so a resumed run reuses it),
// and batches from src/data's mixer (token shares per domain) and packer (document masks), one stream for the
// main mix and one for the annealing mix (Llama 3 §3.4.3).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseDataConfig } from '../data/config.js';
import type { Doc } from '../data/doc.js';
import { hashString } from '../data/hash.js';
import { annealingWeights, planMix } from '../data/mix.js';
import { DomainMixer } from '../data/mixer.js';
import { PackedBatches, type PackCursor } from '../data/pack.js';
import { loadSources } from '../data/sources.js';
import { tokenizerToHfJson } from '../tokenizer/hf-json.js';
import { loadTokenizer } from '../tokenizer/load.js';
import { makeTokenizer } from '../tokenizer/make.js';
import { trainTokenizer } from '../tokenizer/train-tokenizer.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { log } from '../util/progress.js';
import { writeFileAtomic } from '../util/fs.js';
import { countTokens, unigramCrossEntropy, type Batch, type TrainData } from './data.js';
import type { TrainConfig } from './config.js';

type CorpusConfig = Extract<TrainConfig['data'], { kind: 'corpus' }>;

/** One packed stream over a mixer; a new packer per batch shape continues from the previous one's cursor. */
class Stream {
  private packer: PackedBatches | null = null;
  private shape = '';
  private pending: PackCursor | null = null;

  constructor(
    private readonly mixer: DomainMixer,
    private readonly bos: number,
    private readonly eos: number,
    private readonly resetPositions: boolean,
  ) {}

  next(B: number, T: number): Batch {
    if (this.shape !== `${B}x${T}` || !this.packer) {
      const cursor = this.pending ?? this.packer?.cursor() ?? null;
      this.packer = new PackedBatches(this.mixer, { B, T, bos: this.bos, eos: this.eos, resetPositions: this.resetPositions });
      if (cursor) this.packer.restore(cursor);
      this.shape = `${B}x${T}`;
      this.pending = null;
    }
    return this.packer.next();
  }

  cursor(): PackCursor | null {
    return this.pending ?? this.packer?.cursor() ?? null;
  }

  restore(c: PackCursor | null): void {
    this.packer = null;
    this.pending = c;
  }
}

export class CorpusData implements TrainData {
  readonly vocabSize: number;
  private readonly main: Stream;
  private readonly anneal: Stream;
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
    const mixer = (w: Record<string, number>, s: number) => new DomainMixer(train, w, this.encode, s);
    this.main = new Stream(mixer(weights, seed), tokenizer.bos, tokenizer.eos, resetPositions);
    this.anneal = new Stream(mixer(annealingWeights(weights, c.annealing), seed + 1), tokenizer.bos, tokenizer.eos, resetPositions);
  }

  next(B: number, T: number, annealing: boolean): Batch {
    return (annealing ? this.anneal : this.main).next(B, T);
  }

  cursor(): unknown {
    return { main: this.main.cursor(), anneal: this.anneal.cursor() };
  }

  restore(cursor: unknown): void {
    const c = cursor as { main: PackCursor | null; anneal: PackCursor | null };
    this.main.restore(c.main);
    this.anneal.restore(c.anneal);
  }

  /** Held-out documents packed in a fixed order (a mixer with the main weights and a fixed seed). */
  validation(B: number, T: number, sequences: number): Batch[] {
    const weights = planMix(this.val, this.c.mix).weights;
    const packer = new PackedBatches(new DomainMixer(this.val, weights, this.encode, 0), { B, T, bos: this.tokenizer.bos, eos: this.tokenizer.eos, resetPositions: true });
    const out: Batch[] = [];
    for (let done = 0; done < sequences; done += B) {
      const b = packer.next();
      const rows = Math.min(B, sequences - done);
      out.push(rows === B ? b : { B: rows, T, tokens: b.tokens.slice(0, rows * T), targets: b.targets.slice(0, rows * T), segIds: b.segIds.slice(0, rows * T), positions: b.positions.slice(0, rows * T) });
    }
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
