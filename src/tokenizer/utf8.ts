// UTF-8 helpers shared by the tokenizers. JS strings may hold lone surrogates; like TextEncoder, we encode each
// as U+FFFD (EF BF BD), so decode(encode(s)) === s.toWellFormed() (documented in README "Tokenizers").

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { ignoreBOM: true }); // a leading U+FEFF is text, not a mark to drop

export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Decodes UTF-8; invalid or incomplete sequences become U+FFFD (WHATWG decoder, as HF and llama.cpp print them). */
export function utf8Decode(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Concatenates byte arrays. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** Replaces lone surrogates with U+FFFD (String.prototype.toWellFormed, ES2024, not yet in our TS lib). */
export function toWellFormed(text: string): string {
  return /[\ud800-\udfff]/.test(text) ? text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd') : text;
}
