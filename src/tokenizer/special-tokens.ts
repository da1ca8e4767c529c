// Parsing special-token text (`<|eot_id|>`, `<s>`) inside a string, used only when the caller opts in
// (`allowSpecial`, CLI `--special`): by default such text is ordinary text, so a user cannot inject a turn
// boundary into a chat by typing it (the string-level injection bug the chat templates avoid by building ids).

export type Segment = { text: string; start: number } | { id: number; start: number };

export class SpecialMatcher {
  private readonly regex: RegExp | undefined;
  private readonly ids = new Map<string, number>();

  constructor(specials: ReadonlyArray<readonly [text: string, id: number]>) {
    for (const [text, id] of specials) if (text !== '' && !this.ids.has(text)) this.ids.set(text, id);
    // Longest first, so that a token whose text extends another's wins (leftmost-longest, as llama.cpp).
    const texts = [...this.ids.keys()].sort((a, b) => b.length - a.length);
    const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    this.regex = texts.length > 0 ? new RegExp(texts.map(escape).join('|'), 'g') : undefined;
  }

  /** Splits text into plain-text segments and special-token ids, in order; empty text segments are dropped. */
  split(text: string): Segment[] {
    const out: Segment[] = [];
    if (!this.regex) return text === '' ? out : [{ text, start: 0 }];
    let last = 0;
    for (const m of text.matchAll(this.regex)) {
      if (m.index > last) out.push({ text: text.slice(last, m.index), start: last });
      out.push({ id: this.ids.get(m[0])!, start: m.index });
      last = m.index + m[0].length;
    }
    if (last < text.length) out.push({ text: text.slice(last), start: last });
    return out;
  }
}
