// Stop strings, matched on the decoded text as it streams. Text that could still turn out to be the start of a
// stop string is held back; when a stop string completes, the text before it is released and nothing after it.
// Invariant: no stop string can start inside text already released — the longest suffix that is a prefix of a
// stop string is always held, and any occurrence must start in the held part.

export interface StopCheck {
  /** Text now safe to show. */
  text: string;
  /** A stop string was found; `text` ends right before it. */
  stopped: boolean;
}

export class StopStrings {
  private held = '';

  constructor(private readonly stops: readonly string[]) {}

  push(delta: string): StopCheck {
    if (this.stops.length === 0) return { text: delta, stopped: false };
    const text = this.held + delta;
    let at = -1;
    for (const s of this.stops) {
      const i = text.indexOf(s);
      if (i >= 0 && (at < 0 || i < at)) at = i;
    }
    if (at >= 0) {
      this.held = '';
      return { text: text.slice(0, at), stopped: true };
    }
    const hold = this.partialSuffix(text);
    this.held = text.slice(text.length - hold);
    return { text: text.slice(0, text.length - hold), stopped: false };
  }

  /** The stream ended for another reason: what was held is ordinary text. */
  flush(): string {
    const t = this.held;
    this.held = '';
    return t;
  }

  /** Length of the longest suffix of text that is a proper prefix of some stop string. */
  private partialSuffix(text: string): number {
    let best = 0;
    for (const s of this.stops) {
      for (let len = Math.min(s.length - 1, text.length); len > best; len--) {
        if (text.endsWith(s.slice(0, len))) {
          best = len;
          break;
        }
      }
    }
    return best;
  }
}
