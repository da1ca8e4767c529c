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
import { ConfigError } from '../util/errors.js';
import { log } from '../util/progress.js';
import { writeFileAtomic } from '../util/fs.js';
import { countTokens, unigramCrossEntropy, type Batch, type TrainData } from './data.js';
import type { TrainConfig } from './config.js';

type CorpusConfig = Extract<TrainConfig['data'], { kind: 'corpus' }>;

/**
 * Rows of a batch come from independent streams, one row per stream in turn. A single packed stream would fill a
 * whole batch from one or two documents (a State of the Union address is ~8K tokens: four batches of 16×128),
 * so consecutive gradients would each see one speech; STREAMS streams, each walking the corpus in its own seeded
 * order (the mixer's per-stream seed), give every batch rows from different documents, as random-offset
 * sampling does in nanoGPT's get_batch, while the cursor stays a few integers per stream.
 */
const STREAMS = 32;

/** One stream of packed rows over its own mixer; a new packer per row length continues from the previous cursor. */
class RowStream {
  private packer: PackedBatches | null = null;
  private T = 0;
  private pending: PackCursor | null = null;

  constructor(
    private readonly mixer: DomainMixer,
    private readonly pack: { bos: number; eos: number; resetPositions: boolean },
  ) {}

  next(T: number): Batch {
    if (this.T !== T || !this.packer) {
      const cursor = this.pending ?? this.packer?.cursor() ?? null;
      this.packer = new PackedBatches(this.mixer, { B: 1, T, ...this.pack });
      if (cursor) this.packer.restore(cursor);
      this.T = T;
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

interface RowsCursor {
  turn: number;
  streams: (PackCursor | null)[];
}

/** Batches whose rows take turns over STREAMS row streams (cursor: whose turn it is, and each stream's cursor). */
class Rows {
  private readonly streams: RowStream[];
  private turn = 0;

  constructor(makeMixer: (stream: number) => DomainMixer, pack: { bos: number; eos: number; resetPositions: boolean }) {
    this.streams = Array.from({ length: STREAMS }, (_, i) => new RowStream(makeMixer(i), pack));
  }

  next(B: number, T: number): Batch {
    const b: Batch = { B, T, tokens: new Int32Array(B * T), targets: new Int32Array(B * T), segIds: new Int32Array(B * T), positions: new Int32Array(B * T) };
    for (let r = 0; r < B; r++) {
      const row = this.streams[this.turn]!.next(T);
      this.turn = (this.turn + 1) % this.streams.length;
      for (const k of ['tokens', 'targets', 'segIds', 'positions'] as const) b[k].set(row[k], r * T);
    }
    return b;
  }

  cursor(): RowsCursor {
    return { turn: this.turn, streams: this.streams.map((s) => s.cursor()) };
  }

  restore(c: RowsCursor): void {
    this.turn = c.turn;
    this.streams.forEach((s, i) => s.restore(c.streams[i] ?? null));
  }
}

export class CorpusData implements TrainData {
  readonly vocabSize: number;
  private readonly main: Rows;
  private readonly anneal: Rows;
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
    this.main = new Rows((i) => new DomainMixer(train, weights, this.encode, seed + i), pack);
    this.anneal = new Rows((i) => new DomainMixer(train, annealWeights, this.encode, seed + STREAMS + i), pack);
  }

  next(B: number, T: number, annealing: boolean): Batch {
    return (annealing ? this.anneal : this.main).next(B, T);
  }

  cursor(): unknown {
    return { main: this.main.cursor(), anneal: this.anneal.cursor() };
  }

  restore(cursor: unknown): void {
    const c = cursor as { main: RowsCursor; anneal: RowsCursor };
    this.main.restore(c.main);
    this.anneal.restore(c.anneal);
  }

  /** Held-out documents packed in a fixed order (row streams with the main weights and fixed seeds). */
  validation(B: number, T: number, sequences: number): Batch[] {
    const weights = planMix(this.val, this.c.mix).weights;
    const rows = new Rows((i) => new DomainMixer(this.val, weights, this.encode, i), { bos: this.tokenizer.bos, eos: this.tokenizer.eos, resetPositions: true });
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
