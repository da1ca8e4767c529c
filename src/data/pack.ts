// Packing documents into fixed-length training rows with document masking (Llama 3 §3.2: "we use an
// attention mask that prevents self-attention between different documents within the same sequence").
//
// Each document contributes the input/target pairs
//     inputs  [BOS, t1, …, tn]
//     targets [t1, …, tn, EOS]
// so the target of a document's last token is EOS and the next document starts with its own BOS input:
// no position ever predicts across a document boundary, and no position is padding. EOS is never an input
// (nothing is conditioned on it). The stream of pairs is cut into rows of T; a document longer than the rest
// of a row continues in the next row. Per position the batch carries:
//   segIds     the document's segment number within its row (0, 1, …): attention is allowed from i to j
//              iff j ≤ i and segIds[i] = segIds[j];
//   positions  the RoPE position: restarted at 0 where a segment starts (resetPositions, the default) or the
//              column 0…T−1. With the document mask and RoPE's relative rotations both give the same attention
//              scores; restarting keeps every position below T, the table size the model was built for.
// The batch stream is a pure function of (docs, weights, seed, encode) and the cursor restores it exactly.
import { ConfigError } from '../util/errors.js';
import type { DomainMixer, MixedDoc, MixerCursor } from './mixer.js';

export interface PackConfig {
  /** Rows per batch. */
  B: number;
  /** Positions per row. */
  T: number;
  bos: number;
  eos: number;
  resetPositions: boolean;
}

/** B rows of T positions; every array is [B, T], row-major. */
export interface Batch {
  B: number;
  T: number;
  tokens: Int32Array;
  targets: Int32Array;
  /** Document number within the row: attention stays inside a document (Llama 3 §3.2). */
  segIds: Int32Array;
  /** RoPE position of each token (reset at each document start when resetPositions). */
  positions: Int32Array;
}

export interface PackCursor {
  version: 1;
  /** The mixer's state before it drew the document in progress (or its current state when none is). */
  mixer: MixerCursor;
  /** How far into the document in progress (pairs already emitted); null when between documents. */
  offset: number | null;
  batches: number;
  /** Positions emitted per domain: the token-level account of what training actually saw. */
  seen: Record<string, number>;
}

export class PackedBatches {
  private current: MixedDoc | null = null;
  private offset = 0;
  private mixerBefore: MixerCursor;
  private batches = 0;
  private seen: Record<string, number> = {};

  constructor(
    private readonly mixer: DomainMixer,
    private readonly config: PackConfig,
  ) {
    const { B, T } = config;
    if (!(Number.isInteger(B) && B >= 1)) throw new ConfigError('packer', 'B', 'an integer ≥ 1', String(B));
    if (!(Number.isInteger(T) && T >= 1)) throw new ConfigError('packer', 'T', 'an integer ≥ 1', String(T));
    this.mixerBefore = mixer.state();
  }

  next(): Batch {
    const { B, T, bos, eos, resetPositions } = this.config;
    const batch: Batch = { B, T, tokens: new Int32Array(B * T), targets: new Int32Array(B * T), segIds: new Int32Array(B * T), positions: new Int32Array(B * T) };
    for (let b = 0; b < B; b++) {
      let col = 0;
      let seg = -1;
      while (col < T) {
        if (this.current === null) {
          this.mixerBefore = this.mixer.state();
          this.current = this.mixer.next();
          this.offset = 0;
        }
        const toks = this.current.tokens;
        const n = toks.length + 1; // pairs in this document
        const take = Math.min(n - this.offset, T - col);
        seg++;
        for (let k = 0; k < take; k++) {
          const i = this.offset + k; // pair index within the document
          const at = b * T + col + k;
          batch.tokens[at] = i === 0 ? bos : toks[i - 1]!;
          batch.targets[at] = i === toks.length ? eos : toks[i]!;
          batch.segIds[at] = seg;
          batch.positions[at] = resetPositions ? k : col + k;
        }
        const domain = this.current.doc.domain;
        this.seen[domain] = (this.seen[domain] ?? 0) + take;
        col += take;
        this.offset += take;
        if (this.offset === n) this.current = null;
      }
    }
    this.batches++;
    return batch;
  }

  /** Token-level accounting: positions trained on per domain, and their shares. */
  accounting(): { tokens: Record<string, number>; shares: Record<string, number> } {
    const total = Object.values(this.seen).reduce((a, v) => a + v, 0);
    return { tokens: { ...this.seen }, shares: Object.fromEntries(Object.entries(this.seen).map(([d, v]) => [d, total > 0 ? v / total : 0])) };
  }

  cursor(): PackCursor {
    return { version: 1, mixer: this.current ? structuredClone(this.mixerBefore) : this.mixer.state(), offset: this.current ? this.offset : null, batches: this.batches, seen: { ...this.seen } };
  }

  /** Continues exactly where `cursor()` was taken (same mixer documents, encode and config). */
  restore(c: PackCursor): void {
    if (c.version !== 1) throw new ConfigError('pack cursor', 'version', '1', String(c.version));
    this.mixer.restore(c.mixer);
    this.mixerBefore = structuredClone(c.mixer);
    this.current = null;
    if (c.offset !== null) {
      this.current = this.mixer.next();
      if (!(Number.isInteger(c.offset) && c.offset > 0 && c.offset <= this.current.tokens.length)) {
        throw new ConfigError('pack cursor', 'offset', `an integer in [1, ${this.current.tokens.length}] for ${this.current.doc.id}`, String(c.offset));
      }
      this.offset = c.offset;
    }
    this.batches = c.batches;
    this.seen = { ...c.seen };
  }
}
