// JSON as Jinja's `tojson` writes it in chat templates (Python json.dumps with ensure_ascii=False, as HF
// transformers and @huggingface/jinja call it): ", " and ": " separators, or with `indent` "," + newlines.

export function pyJson(value: unknown, indent?: number, depth = 0): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value !== 'object') return JSON.stringify(value);
  const pad = indent ? `\n${' '.repeat(indent * depth)}` : '';
  const inner = indent ? `\n${' '.repeat(indent * (depth + 1))}` : '';
  const sep = indent ? ',' : ', ';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const items = value.map((v) => pyJson(v, indent, depth + 1));
    return indent ? `[${inner}${items.join(sep + inner)}${pad}]` : `[${items.join(sep)}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  const items = entries.map(([k, v]) => `${JSON.stringify(k)}: ${pyJson(v, indent, depth + 1)}`);
  return indent ? `{${inner}${items.join(sep + inner)}${pad}}` : `{${items.join(sep)}}`;
}
