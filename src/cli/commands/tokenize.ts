// `llamats tokenize` (docs/cli-contract.md): text → JSON array of token ids, or JSONL in → JSONL out.
import { createInterface } from 'node:readline';
import { ConfigError } from '../../util/errors.js';
import { loadTokenizer } from '../../tokenizer/load.js';
import { parseFlags, requireFlag, type Command } from '../command.js';

export const command: Command = {
  name: 'tokenize',
  summary: 'text → token ids (Llama 2 / Llama 3 tokenizers from GGUF, tokenizer.json or tokenizer.model)',
  usage: `
Usage: llamats tokenize --tokenizer FILE [--no-bos] [--special] [--jsonl] [TEXT]

Prints a JSON array of token ids for TEXT (or for all of stdin when TEXT is not given).
  --tokenizer FILE  a GGUF file (vocab-only or a full model), a Hugging Face tokenizer.json (or model folder),
                    a SentencePiece tokenizer.model (Llama 2) or a tiktoken tokenizer.model (Llama 3);
                    recognised from the content
  --no-bos          do not prepend the BOS token (added by default)
  --special         parse special-token text (e.g. <|eot_id|>, <s>) as those tokens; otherwise it is plain text
  --jsonl           read stdin as one JSON-encoded string per line; write one JSON array per line, same order`,
  async run(argv) {
    const { values, positionals } = parseFlags('tokenize', argv, {
      tokenizer: { type: 'string' }, 'no-bos': { type: 'boolean' }, special: { type: 'boolean' }, jsonl: { type: 'boolean' },
    });
    const tok = loadTokenizer(requireFlag('tokenize', 'tokenizer', values.tokenizer));
    const opts = { bos: !values['no-bos'], allowSpecial: Boolean(values.special) };
    if (values.jsonl) {
      if (positionals.length > 0) throw new ConfigError('llamats tokenize', 'TEXT', 'no TEXT with --jsonl (input comes from stdin)', JSON.stringify(positionals[0]));
      await forEachJsonLine('llamats tokenize', (v, line) => {
        if (typeof v !== 'string') throw new ConfigError('llamats tokenize', `stdin line ${line}`, 'a JSON string', JSON.stringify(v).slice(0, 40));
        return JSON.stringify(tok.encode(v, opts));
      });
      return 0;
    }
    if (positionals.length > 1) throw new ConfigError('llamats tokenize', 'TEXT', 'one argument (quote the text)', `${positionals.length} arguments`);
    const text = positionals[0] ?? (await readStdin());
    process.stdout.write(`${JSON.stringify(tok.encode(text, opts))}\n`);
    return 0;
  },
};

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads stdin as JSONL (blank lines skipped) and writes `map(value)` per line to stdout, in order. */
export async function forEachJsonLine(source: string, map: (v: unknown, line: number) => string): Promise<void> {
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let n = 0;
  const out: string[] = [];
  for await (const raw of rl) {
    n++;
    if (raw.trim() === '') continue;
    let v: unknown;
    try { v = JSON.parse(raw); } catch (e) { throw new ConfigError(source, `stdin line ${n}`, 'one JSON value', (e as Error).message); }
    out.push(map(v, n));
    if (out.length >= 1024) { process.stdout.write(`${out.join('\n')}\n`); out.length = 0; }
  }
  if (out.length > 0) process.stdout.write(`${out.join('\n')}\n`);
}
