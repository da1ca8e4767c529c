// JSON text as transformers writes it: Python `json.dumps(obj, indent=2, sort_keys=True) + "\n"` with Python
// float repr (1e-05, 500000.0, 0.02). JSON.stringify would write 0.00001 and 500000: the same values, but
// a diff against a published config.json should show only real differences. JavaScript cannot tell 500000.0
// from 500000, so the keys whose values are floats in LlamaConfig are named.

const FLOAT_KEYS = new Set(['attention_dropout', 'initializer_range', 'rms_norm_eps', 'rope_theta', 'factor', 'high_freq_factor', 'low_freq_factor', 'temperature', 'top_p']);

/** Python `repr(float)`: shortest round-trip digits, exponent form when the exponent is < −4 or ≥ 16. */
export function pythonFloat(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
  const [mant, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  const s = String(x);
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
}

export function pythonJson(value: unknown): string {
  return `${dump(value, '', undefined)}\n`;
}

function dump(v: unknown, indent: string, key: string | undefined): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return key !== undefined && FLOAT_KEYS.has(key) ? pythonFloat(v) : Number.isInteger(v) ? String(v) : pythonFloat(v);
  if (typeof v === 'string') return JSON.stringify(v);
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => inner + dump(x, inner, key)).join(',\n')}\n${indent}]`;
  }
  const keys = Object.keys(v as object).sort();
  if (keys.length === 0) return '{}';
  return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)}: ${dump((v as Record<string, unknown>)[k], inner, k)}`).join(',\n')}\n${indent}}`;
}
