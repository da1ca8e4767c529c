// Draws documents so that the *tokens* of each domain follow the mix weights. Rather than sampling a domain
// at random (whose token shares wander by the variance of document lengths), the next document comes from the
// domain furthest behind its share (scheduled_d / w_d smallest: stride scheduling, Waldspurger 1995), so after
// any prefix of training every domain is within one document of its target. Within a domain, documents come
// in a seeded random order, reshuffled each epoch of that domain: a small up-weighted domain repeats, in a new
// order each time. The cursor is a few integers per domain, enough to resume exactly.
import { ConfigError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import type { Doc } from './doc.js';
import { combineHash, hashString } from './hash.js';

export interface MixerCursor {
  /** Tokens handed out per domain so far. */
  scheduled: Record<string, number>;
  /** Per domain: which pass over its documents, and the next position in that pass's order. */
  position: Record<string, { epoch: number; index: number }>;
}

export interface MixedDoc {
  doc: Doc;
  tokens: readonly number[];
}

export class DomainMixer {
  private readonly domains: string[];
  private readonly docs = new Map<string, Doc[]>();
  private readonly orders = new Map<string, { epoch: number; order: Uint32Array }>();
  private cursor: MixerCursor;

  constructor(
    docs: readonly Doc[],
    private readonly weights: Readonly<Record<string, number>>,
    private readonly encode: (text: string) => readonly number[],
    private readonly seed: number,
  ) {
    for (const d of docs) {
      if (!((weights[d.domain] ?? 0) > 0)) continue;
      const list = this.docs.get(d.domain);
      if (list) list.push(d);
      else this.docs.set(d.domain, [d]);
    }
    this.domains = Object.keys(weights).filter((d) => weights[d]! > 0 && this.docs.has(d));
    if (this.domains.length === 0) throw new ConfigError('mixer', 'weights', 'a positive weight on a domain that has documents', JSON.stringify(weights));
    this.cursor = { scheduled: Object.fromEntries(this.domains.map((d) => [d, 0])), position: Object.fromEntries(this.domains.map((d) => [d, { epoch: 0, index: 0 }])) };
  }

  /** The next document and its token ids. */
  next(): MixedDoc {
    let best = this.domains[0]!;
    for (const d of this.domains) if (this.cursor.scheduled[d]! / this.weights[d]! < this.cursor.scheduled[best]! / this.weights[best]!) best = d;
    const list = this.docs.get(best)!;
    const pos = this.cursor.position[best]!;
    const doc = list[this.orderOf(best, pos.epoch)[pos.index]!]!;
    if (++pos.index === list.length) [pos.epoch, pos.index] = [pos.epoch + 1, 0];
    const tokens = this.encode(doc.text);
    // A document occupies tokens.length + 1 positions once packed ([BOS, …tokens] → [...tokens, EOS]).
    this.cursor.scheduled[best]! += tokens.length + 1;
    return { doc, tokens };
  }

  state(): MixerCursor {
    return structuredClone(this.cursor);
  }

  restore(c: MixerCursor): void {
    for (const d of this.domains) {
      const p = c.position[d];
      if (p === undefined || typeof c.scheduled[d] !== 'number') throw new ConfigError('mixer cursor', `position.${d}`, 'an entry for every weighted domain', 'missing');
      if (!(Number.isInteger(p.index) && p.index >= 0 && p.index < this.docs.get(d)!.length)) {
        throw new ConfigError('mixer cursor', `position.${d}.index`, `an integer in [0, ${this.docs.get(d)!.length})`, String(p.index));
      }
    }
    this.cursor = structuredClone(c);
  }

  /** The permutation of a domain's documents for one epoch: a function of (seed, domain, epoch) only. */
  private orderOf(domain: string, epoch: number): Uint32Array {
    const cached = this.orders.get(domain);
    if (cached?.epoch === epoch) return cached.order;
    const n = this.docs.get(domain)!.length;
    const order = Uint32Array.from({ length: n }, (_, i) => i);
    const rng = new Rng(combineHash(hashString(domain, this.seed), epoch));
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    this.orders.set(domain, { epoch, order });
    return order;
  }
}
