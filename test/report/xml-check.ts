// A small XML well-formedness checker for the tests: balanced and properly nested tags, quoted attributes
// without duplicates, no bare '<' or '&' in text, exactly one root element. Enough to prove our SVG parses.

export function checkWellFormed(xml: string): { ok: true; elements: Map<string, number> } | { ok: false; error: string } {
  const elements = new Map<string, number>();
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  const fail = (error: string) => ({ ok: false as const, error: `${error} at offset ${i}: ${JSON.stringify(xml.slice(i, i + 40))}` });
  const entity = /^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/;
  while (i < xml.length) {
    const c = xml[i]!;
    if (c === '<') {
      if (xml.startsWith('<!--', i)) {
        const end = xml.indexOf('-->', i);
        if (end < 0) return fail('unterminated comment');
        i = end + 3;
        continue;
      }
      const close = xml[i + 1] === '/';
      const m = /^<\/?([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*="[^"<]*")*)\s*(\/?)>/.exec(xml.slice(i));
      if (!m) return fail('malformed tag');
      const [whole, name, attrs, selfClose] = m as unknown as [string, string, string, string];
      const names = [...attrs.matchAll(/([A-Za-z_][\w:.-]*)=/g)].map((a) => a[1]!);
      if (new Set(names).size !== names.length) return fail('duplicate attribute');
      for (const a of attrs.matchAll(/="([^"]*)"/g)) if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(a[1]!)) return fail('bare & in attribute');
      if (close) {
        if (stack.pop() !== name) return fail(`mismatched </${name}>`);
      } else {
        if (stack.length === 0) roots++;
        elements.set(name, (elements.get(name) ?? 0) + 1);
        if (!selfClose) stack.push(name);
      }
      i += whole.length;
    } else if (c === '&') {
      if (!entity.test(xml.slice(i, i + 12))) return fail('bare &');
      i++;
    } else {
      if (c === '>') return fail('bare >');
      if (stack.length === 0 && !/\s/.test(c)) return fail('text outside the root');
      i++;
    }
  }
  if (stack.length > 0) return { ok: false, error: `unclosed <${stack.join('> <')}>` };
  if (roots !== 1) return { ok: false, error: `expected one root element, got ${roots}` };
  return { ok: true, elements };
}
