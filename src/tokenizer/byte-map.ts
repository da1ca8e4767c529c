// GPT-2's byte ↔ character map (openai/gpt-2 encoder.py `bytes_to_unicode`): byte-level BPE vocabularies in GGUF
// (`tokenizer.ggml.model = "gpt2"`) and HF tokenizer.json spell each byte as a printable character, so that a
// token is a plain string: printable Latin-1 bytes stand for themselves, the other 68 bytes map to U+0100… in
// order (space 0x20 → `Ġ` U+0120, newline 0x0A → `Ċ` U+010A).

const byteToChar: string[] = [];
const charToByte = new Map<number, number>();
{
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    const cp = printable ? b : 0x100 + extra++;
    byteToChar[b] = String.fromCharCode(cp);
    charToByte.set(cp, b);
  }
}

/** Bytes → the GPT-2 spelling (`" hi"` bytes → `"Ġhi"`). */
export function bytesToPiece(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += byteToChar[b];
  return s;
}

/** The GPT-2 spelling → bytes, or undefined if a character is outside the map. */
export function pieceToBytes(piece: string): Uint8Array | undefined {
  const out = new Uint8Array(piece.length);
  for (let i = 0; i < piece.length; i++) {
    const b = charToByte.get(piece.charCodeAt(i));
    if (b === undefined) return undefined;
    out[i] = b;
  }
  return out;
}

/** Bytes as a Latin-1 string (one char per byte): a cheap Map key for byte strings. */
export function bytesKey(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}
