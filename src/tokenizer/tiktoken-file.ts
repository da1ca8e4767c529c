// tiktoken's `tokenizer.model` (Llama 3's file, meta/llama3 tokenizer.py `load_tiktoken_bpe`): one line per
// token, `base64(bytes) rank`, ranks 0..n-1. The file has no merges and no special tokens: merges are derived
// (every split of a token into two tokens merges into it, at the token's rank, which is what tiktoken's "merge
// the pair whose concatenation has the lowest rank" means), and Meta's 256 special tokens are appended.
import { FileFormatError } from '../util/errors.js';
import { bytesKey } from './byte-map.js';
import { TokenType, type BpeVocab } from './types.js';

/** Llama 3.1's special tokens (HF meta-llama/Llama-3.1-8B-Instruct): named ones, the rest reserved (recipe §3). */
export function llama3SpecialTokens(count = 256): string[] {
  const named: Record<number, string> = {
    0: '<|begin_of_text|>', 1: '<|end_of_text|>', 4: '<|finetune_right_pad_id|>', 6: '<|start_header_id|>',
    7: '<|end_header_id|>', 8: '<|eom_id|>', 9: '<|eot_id|>', 10: '<|python_tag|>',
  };
  const out: string[] = [];
  let reserved = 0;
  for (let i = 0; i < count; i++) out.push(named[i] ?? `<|reserved_special_token_${reserved++}|>`);
  return out;
}

export function parseTiktokenRanks(text: string, file: string): Uint8Array[] {
  const tokens: Uint8Array[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const m = /^([A-Za-z0-9+/]*={0,2}) (\d+)$/.exec(line);
    if (!m) throw new FileFormatError(file, `line ${i + 1}`, '"base64 rank"', JSON.stringify(line.slice(0, 60)));
    const rank = Number(m[2]);
    if (rank !== tokens.length) throw new FileFormatError(file, `line ${i + 1}`, `rank ${tokens.length} (ranks in order from 0)`, String(rank));
    tokens.push(new Uint8Array(Buffer.from(m[1]!, 'base64')));
  }
  return tokens;
}

/** All merges (l, r) → t with l, r, t tokens, ordered by t's rank, then by split point. */
export function mergesFromRanks(tokens: readonly Uint8Array[]): Array<[number, number]> {
  const ids = new Map<string, number>();
  tokens.forEach((t, i) => ids.set(bytesKey(t), i));
  const merges: Array<[number, number]> = [];
  for (const t of tokens) {
    if (t.length < 2) continue;
    const key = bytesKey(t);
    for (let k = 1; k < key.length; k++) {
      const l = ids.get(key.slice(0, k));
      const r = ids.get(key.slice(k));
      if (l !== undefined && r !== undefined) merges.push([l, r]);
    }
  }
  return merges;
}

export function vocabFromTiktoken(text: string, file: string): BpeVocab {
  const ranks = parseTiktokenRanks(text, file);
  const specials = llama3SpecialTokens();
  const enc = new TextEncoder();
  const tokens = [...ranks, ...specials.map((s) => enc.encode(s))];
  const types = new Int32Array(tokens.length).fill(TokenType.normal);
  types.fill(TokenType.control, ranks.length);
  return { kind: 'bpe', tokens, types, merges: mergesFromRanks(ranks), bos: ranks.length, eos: ranks.length + 1, pre: 'llama-bpe' };
}

/** The tiktoken file for a byte-level vocabulary (its ordinary tokens, which must come first, as ranks). */
export function tiktokenFileText(v: BpeVocab): string {
  const lines: string[] = [];
  for (let i = 0; i < v.tokens.length && v.types[i] !== TokenType.control; i++) lines.push(`${Buffer.from(v.tokens[i]!).toString('base64')} ${i}`);
  return `${lines.join('\n')}\n`;
}
