// loadTokenizer(path): a tokenizer from any file a user has, recognised by its content, not its name:
// GGUF (magic "GGUF"), HF tokenizer.json (JSON), tiktoken tokenizer.model (lines "base64 rank"), SentencePiece
// tokenizer.model (protobuf, first field 1 = pieces). A folder is searched for tokenizer.json, then
// tokenizer.model (an HF model folder).
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readGguf } from '../io/gguf/read.js';
import { FileFormatError } from '../util/errors.js';
import { vocabFromGguf } from './gguf.js';
import { vocabFromHfJson } from './hf-json.js';
import { makeTokenizer } from './make.js';
import { vocabFromSentencePieceModel } from './sentencepiece-model.js';
import { vocabFromTiktoken } from './tiktoken-file.js';
import type { Tokenizer, Vocab } from './types.js';

export type TokenizerFileKind = 'gguf' | 'hf-json' | 'tiktoken' | 'sentencepiece';

export function detectTokenizerFile(head: Uint8Array, file: string): TokenizerFileKind {
  const ascii = new TextDecoder('latin1').decode(head.subarray(0, 64));
  if (ascii.startsWith('GGUF')) return 'gguf';
  if (/^\s*\{/.test(ascii)) return 'hf-json';
  if (/^[A-Za-z0-9+/]+={0,2} \d+\r?\n/.test(ascii) || /^[A-Za-z0-9+/]+={0,2} \d+$/.test(ascii)) return 'tiktoken';
  if (head[0] === 0x0a) return 'sentencepiece'; // protobuf field 1 (pieces), wire type 2
  throw new FileFormatError(file, 'content', 'a GGUF file, a tokenizer.json, or a SentencePiece / tiktoken tokenizer.model',
    `bytes ${Array.from(head.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ')}`);
}

function resolve(path: string): string {
  if (!existsSync(path)) throw new FileFormatError(path, 'path', 'an existing tokenizer file or model folder', 'nothing there');
  if (!statSync(path).isDirectory()) return path;
  for (const name of ['tokenizer.json', 'tokenizer.model']) if (existsSync(join(path, name))) return join(path, name);
  throw new FileFormatError(path, 'folder', 'a tokenizer.json or tokenizer.model inside', 'neither');
}

export function loadVocab(path: string): Vocab {
  const file = resolve(path);
  const kind = detectTokenizerFile(readHead(file), file);
  switch (kind) {
    case 'gguf': return vocabFromGguf(readGguf(file));
    case 'hf-json': {
      let json: unknown;
      try { json = JSON.parse(readFileSync(file, 'utf8')); } catch (e) { throw new FileFormatError(file, 'JSON', 'valid JSON', (e as Error).message); }
      return vocabFromHfJson(json, file);
    }
    case 'tiktoken': return vocabFromTiktoken(readFileSync(file, 'utf8'), file);
    case 'sentencepiece': return vocabFromSentencePieceModel(new Uint8Array(readFileSync(file)), file);
  }
}

export function loadTokenizer(path: string): Tokenizer {
  return makeTokenizer(loadVocab(path));
}

/** The first 64 bytes (a GGUF model may be gigabytes; only its head is needed to recognise it). */
function readHead(file: string): Uint8Array {
  const head = new Uint8Array(64);
  const fd = openSync(file, 'r');
  try {
    return head.subarray(0, readSync(fd, head, 0, 64, 0));
  } finally {
    closeSync(fd);
  }
}
