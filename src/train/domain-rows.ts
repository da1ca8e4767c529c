// Training rows whose domains follow the mix weights at row granularity, whatever the document lengths. Each
// row is first given a domain (the quota method, `nextDomain`), then filled by one of that domain's row streams,
// which take turns; a stream packs only its domain's documents (src/data's mixer with one weight and packer, so
// document masking is unchanged). Mixing whole documents instead lets the delivered mix follow long documents
// over a short horizon: one general document (~8K tokens) filled a stream's whole share of the recipe's 150
// annealing steps, which delivered general 66 / knowledge 9 / reasoning 6 / code 20% against the targeted
// 31 / 41 / 21 / 7% (README, Pretraining).
import type { Doc } from '../data/doc.js';
import { estimateTokens } from '../data/doc.js';
import { DomainMixer } from '../data/mixer.js';
import { PackedBatches, type Batch, type PackCursor } from '../data/pack.js';
import { ConfigError } from '../util/errors.js';

/**
 * Row streams per domain. A domain's streams take turns and hold disjoint documents, so the rows a domain
 * fills in one batch come from different documents as long as they are at most this many (and the domain has
 * that many documents): 16 covers every batch of our configs (≤ 16 rows) even for a domain drawn for every row,
 * as nanoGPT's random offsets would. More would only stretch each document over more steps (a stream moves once
 * per 16 rows of its domain); four domains give 64 streams, each cursor a few integers.
 */
export const STREAMS_PER_DOMAIN = 16;

type PackOptions = { bos: number; eos: number; resetPositions: boolean };

/**
 * The domain (index) of row n = Σ rows: the quota method of apportionment (Balinski & Young, "The Quota Method
 * of Apportioning Seats", Amer. Math. Monthly 82(7), 1975). Among the domains still under their share after
 * this row (rows_d < w_d·(n+1)), the one whose next row is due first (smallest (rows_d + 1) / w_d; the first on
 * ties). It keeps floor(w_d·n) ≤ rows_d ≤ ceil(w_d·n) for every n and every domain, i.e. within one row of the
 * target. Plain stride scheduling (smallest rows_d / w_d, as src/data/mixer.ts does for documents) does not:
 * with weights .31/.41/.21/.07 it falls 1.23 rows behind. `weights` sum to 1.
 */
export function nextDomain(rows: readonly number[], weights: readonly number[]): number {
  const n = rows.reduce((a, r) => a + r, 0);
  let best = -1;
  for (let d = 0; d < rows.length; d++) {
    if (!(rows[d]! < weights[d]! * (n + 1))) continue;
    if (best < 0 || (rows[d]! + 1) / weights[d]! < (rows[best]! + 1) / weights[best]!) best = d;
  }
  return best; // never -1: the rows sum to n < n + 1 = Σ w_d·(n+1), so some domain is under its share
}

/** One stream of packed rows over its own mixer; a new packer per row length continues from the previous cursor. */
class RowStream {
  private packer: PackedBatches | null = null;
  private T = 0;
  private pending: PackCursor | null = null;

  constructor(
    private readonly mixer: DomainMixer,
    private readonly pack: PackOptions,
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

/**
 * A domain's documents in k parts of near-equal estimated tokens (longest first, each to the lightest part):
 * the streams fill equally many rows, so balanced parts let every document recur about equally often.
 */
function partition(docs: readonly Doc[], k: number): Doc[][] {
  const parts = Array.from({ length: k }, () => ({ docs: [] as Doc[], tokens: 0 }));
  const sized = docs.map((doc) => ({ doc, tokens: estimateTokens(doc.text) })).sort((a, b) => b.tokens - a.tokens);
  for (const { doc, tokens } of sized) {
    const lightest = parts.reduce((a, p) => (p.tokens < a.tokens ? p : a));
    lightest.docs.push(doc);
    lightest.tokens += tokens;
  }
  return parts.map((p) => p.docs);
}

/** Everything needed to resume exactly; version 1 was the version-less cursor of 32 document-mixed streams. */
export interface DomainRowsCursor {
  version: 2;
  /** Rows delivered per domain: the whole state of the row scheduler. */
  rows: Record<string, number>;
  /** Per domain: which of its streams fills its next row. */
  turn: Record<string, number>;
  /** Per domain: each stream's pack cursor (null before the stream's first row). */
  streams: Record<string, (PackCursor | null)[]>;
}

export class DomainRows {
  private readonly domains: { name: string; weight: number; streams: RowStream[] }[];
  private readonly rows: number[];
  private readonly turn: number[];

  /** Stream i of a domain walks its part of the documents in the order of seed + i (the mixer's per-epoch shuffle). */
  constructor(docs: readonly Doc[], weights: Readonly<Record<string, number>>, encode: (text: string) => readonly number[], seed: number, pack: PackOptions) {
    const byDomain = new Map<string, Doc[]>();
    for (const d of docs) {
      if (!((weights[d.domain] ?? 0) > 0)) continue;
      const list = byDomain.get(d.domain);
      if (list) list.push(d);
      else byDomain.set(d.domain, [d]);
    }
    const names = Object.keys(weights).filter((d) => byDomain.has(d));
    if (names.length === 0) throw new ConfigError('row mixer', 'weights', 'a positive weight on a domain that has documents', JSON.stringify(weights));
    const total = names.reduce((a, d) => a + weights[d]!, 0);
    this.domains = names.map((name) => {
      const list = byDomain.get(name)!;
      const parts = partition(list, Math.min(STREAMS_PER_DOMAIN, list.length));
      return { name, weight: weights[name]! / total, streams: parts.map((part, i) => new RowStream(new DomainMixer(part, { [name]: 1 }, encode, seed + i), pack)) };
    });
    this.rows = names.map(() => 0);
    this.turn = names.map(() => 0);
  }

  next(B: number, T: number): Batch {
    const b: Batch = { B, T, tokens: new Int32Array(B * T), targets: new Int32Array(B * T), segIds: new Int32Array(B * T), positions: new Int32Array(B * T) };
    const weights = this.domains.map((d) => d.weight);
    for (let r = 0; r < B; r++) {
      const d = nextDomain(this.rows, weights);
      const { streams } = this.domains[d]!;
      const row = streams[this.turn[d]!]!.next(T);
      this.turn[d] = (this.turn[d]! + 1) % streams.length;
      this.rows[d]!++;
      for (const k of ['tokens', 'targets', 'segIds', 'positions'] as const) b[k].set(row[k], r * T);
    }
    return b;
  }

  cursor(): DomainRowsCursor {
    const per = <V>(f: (i: number) => V) => Object.fromEntries(this.domains.map((d, i) => [d.name, f(i)]));
    return { version: 2, rows: per((i) => this.rows[i]!), turn: per((i) => this.turn[i]!), streams: per((i) => this.domains[i]!.streams.map((s) => s.cursor())) };
  }

  /** `source` names the cursor in errors (e.g. "checkpoint data cursor main"); every field is checked before any is applied. */
  restore(cursor: unknown, source: string): void {
    const c = (cursor ?? {}) as Partial<DomainRowsCursor>;
    if (c.version !== 2) {
      const got = c.version === undefined ? 'no version (the cursor of 32 document-mixed streams, from before row-level mixing)' : String(c.version);
      throw new ConfigError(source, 'version', `2 (rows drawn per domain, ${STREAMS_PER_DOMAIN} streams each); a checkpoint of the older data stream cannot resume it: start the run again`, got);
    }
    const names = this.domains.map((d) => d.name);
    if (JSON.stringify(Object.keys(c.rows ?? {}).sort()) !== JSON.stringify([...names].sort())) {
      throw new ConfigError(source, 'rows', `one entry per weighted domain (${names.join(', ')})`, Object.keys(c.rows ?? {}).join(', '));
    }
    for (const d of this.domains) {
      const rows = c.rows![d.name];
      const turn = c.turn?.[d.name];
      const streams = c.streams?.[d.name];
      if (!(Number.isInteger(rows) && rows! >= 0)) throw new ConfigError(source, `rows.${d.name}`, 'an integer ≥ 0', String(rows));
      if (!(Number.isInteger(turn) && turn! >= 0 && turn! < d.streams.length)) throw new ConfigError(source, `turn.${d.name}`, `an integer in [0, ${d.streams.length})`, String(turn));
      if (!(Array.isArray(streams) && streams.length === d.streams.length)) throw new ConfigError(source, `streams.${d.name}`, `${d.streams.length} stream cursors`, String(streams?.length));
    }
    this.domains.forEach((d, i) => {
      this.rows[i] = c.rows![d.name]!;
      this.turn[i] = c.turn![d.name]!;
      d.streams.forEach((s, k) => s.restore(c.streams![d.name]![k] ?? null));
    });
  }
}
