// `npm run bench -- tokenizer`: encodes ~1 MB of mixed text (English docs, TypeScript code, the multilingual
// llama.cpp test strings and chat templates, all from this repository) with the Llama 3 tokenizer, beside
// tiktoken (Rust → WASM) and js-tiktoken running the real Llama 3 encoding (ids 0..127999 are its ranks; the
// split pattern is cl100k_base's), and the Llama 2 tokenizer beside llama-tokenizer-js. Every encoder gets a
// fresh instance per timed run (our per-word cache starts empty); the best of the runs is reported. The ids of
// the peers are compared with ours as a further oracle.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readGguf } from '../src/io/gguf/read.js';
import { vocabFromGguf } from '../src/tokenizer/gguf.js';
import { makeTokenizer } from '../src/tokenizer/make.js';
import type { BpeVocab } from '../src/tokenizer/types.js';
import type { BenchReport, BenchRow } from './main.js'; // types only: main.js awaits this module's import

function row(c: string, unit: string, llamats: number, peer: string | null, peerValue: number | null): BenchRow {
  return { case: c, unit, llamats, peer, peer_value: peerValue, ratio: peerValue ? llamats / peerValue : null };
}

const ROOT = join(import.meta.dirname, '..', import.meta.dirname.includes('dist') ? '..' : '');
const VOCAB = join(ROOT, 'test', 'fixtures', 'vocab');
const PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

/** ~1 MB of mixed text from the repository: docs, code, multilingual test strings; cycled to the size. */
export function benchCorpus(bytes = 1 << 20): { text: string; uniqueBytes: number } {
  const files: string[] = [];
  const walk = (dir: string, exts: string[]) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p, exts);
      else if (exts.some((e) => name.endsWith(e))) files.push(p);
    }
  };
  walk(join(ROOT, 'docs'), ['.md']);
  for (const d of ['src', 'bench']) walk(join(ROOT, d), ['.ts']);
  walk(VOCAB, ['.inp', '.jinja']);
  const pool = files.map((f) => readFileSync(f, 'utf8')).join('\n');
  let text = '';
  while (Buffer.byteLength(text) < bytes) text += pool;
  text = Buffer.from(text).subarray(0, bytes).toString('utf8').replace(/\ufffd$/, '');
  return { text, uniqueBytes: Math.min(bytes, Buffer.byteLength(pool)) };
}

function best(runs: number, make: () => (t: string) => ArrayLike<number>, text: string): { secs: number; ids: ArrayLike<number> } {
  let secs = Infinity;
  let ids: ArrayLike<number> = [];
  for (let r = 0; r < runs; r++) {
    const enc = make();
    const t0 = performance.now();
    ids = enc(text);
    secs = Math.min(secs, (performance.now() - t0) / 1000);
  }
  return { secs, ids };
}

function sameIds(a: ArrayLike<number>, b: ArrayLike<number>): string {
  if (a.length !== b.length) return `length ${a.length} vs ${b.length}`;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `first difference at token ${i}`;
  return 'identical ids';
}

export async function run(args: string[]): Promise<BenchReport> {
  const runs = Number(args.find((a) => a.startsWith('--runs='))?.slice(7) ?? 3);
  const { text, uniqueBytes } = benchCorpus();
  const mb = Buffer.byteLength(text) / 1e6;
  const notes: string[] = [`corpus: ${mb.toFixed(2)} MB (${(uniqueBytes / 1e6).toFixed(2)} MB distinct: repo docs, code, multilingual tests), best of ${runs} runs, fresh encoder each run`];
  const rows = [];

  const v3 = vocabFromGguf(readGguf(join(VOCAB, 'ggml-vocab-llama-bpe.gguf'))) as BpeVocab;
  const ours = best(runs, () => { const t = makeTokenizer(v3); return (s) => t.encode(s); }, text);
  const n = ours.ids.length;
  const ranks = `! 0 ${v3.tokens.slice(0, 128000).map((t) => Buffer.from(t).toString('base64')).join(' ')}`;

  let wasm: { secs: number; ids: ArrayLike<number> } | undefined;
  try {
    const { Tiktoken } = await import('tiktoken/lite');
    wasm = best(runs, () => { const e = new Tiktoken(ranks, {}, PATTERN); return (s) => { const ids = e.encode(s); e.free(); return ids; }; }, text);
    notes.push(`tiktoken (WASM) vs llamats: ${sameIds(wasm.ids, ours.ids)}`);
  } catch (e) { notes.push(`tiktoken unavailable: ${(e as Error).message}`); }
  rows.push(row('llama3 encode', 'tokens/s', n / ours.secs, wasm ? 'tiktoken 1.0 WASM, Llama 3 ranks' : null, wasm ? wasm.ids.length / wasm.secs : null));
  rows.push(row('llama3 encode', 'MB/s', mb / ours.secs, wasm ? 'tiktoken 1.0 WASM, Llama 3 ranks' : null, wasm ? mb / wasm.secs : null));

  try {
    const { Tiktoken } = await import('js-tiktoken/lite');
    const js = best(runs, () => { const e = new Tiktoken({ pat_str: PATTERN.replace("(?i:'s|'t|'re|'ve|'m|'ll|'d)", "'(?:[sS]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD])"), special_tokens: {}, bpe_ranks: ranks }); return (s) => e.encode(s); }, text);
    notes.push(`js-tiktoken vs llamats: ${sameIds(js.ids, ours.ids)}`);
    rows.push(row('llama3 encode', 'tokens/s', n / ours.secs, 'js-tiktoken 1.0, Llama 3 ranks', js.ids.length / js.secs));
  } catch (e) { notes.push(`js-tiktoken unavailable: ${(e as Error).message}`); }

  const v2 = vocabFromGguf(readGguf(join(VOCAB, 'ggml-vocab-llama-spm.gguf')));
  const ours2 = best(runs, () => { const t = makeTokenizer(v2); return (s) => t.encode(s); }, text);
  let peer2: { secs: number; ids: ArrayLike<number> } | undefined;
  try {
    const { default: llamaTokenizer } = (await import('llama-tokenizer-js')) as unknown as { default: { encode(s: string, bos: boolean, precedingSpace: boolean, log: boolean): number[] } };
    peer2 = best(1, () => (s) => llamaTokenizer.encode(s, false, true, false), text);
    notes.push(`llama-tokenizer-js vs llamats (Llama 2): ${sameIds(peer2.ids, ours2.ids)}`);
  } catch (e) { notes.push(`llama-tokenizer-js unavailable: ${(e as Error).message}`); }
  rows.push(row('llama2 encode', 'tokens/s', ours2.ids.length / ours2.secs, peer2 ? 'llama-tokenizer-js 1.2 (1 run)' : null, peer2 ? peer2.ids.length / peer2.secs : null));
  return { bench: 'tokenizer', rows, notes };
}
