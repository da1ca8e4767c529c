// `llamats detokenize` (docs/cli-contract.md): JSON array of ids → text; the inverse of `tokenize`.
import { ConfigError } from '../../util/errors.js';
import { loadTokenizer } from '../../tokenizer/load.js';
import { parseFlags, requireFlag, type Command } from '../command.js';
import { forEachJsonLine, readStdin } from './tokenize.js';

function ids(source: string, field: string, v: unknown): number[] {
  if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x))) throw new ConfigError(source, field, 'a JSON array of integer token ids', JSON.stringify(v).slice(0, 60));
  return v as number[];
}

export const command: Command = {
  name: 'detokenize',
  summary: 'token ids → text (the inverse of tokenize)',
  usage: `
Usage: llamats detokenize --tokenizer FILE [--special] [--jsonl] [IDS]

Prints the text of IDS (a JSON array, or read from stdin), exactly, with no newline added.
Control tokens (BOS, EOS, chat headers) produce no text unless --special is given.
  --tokenizer FILE  as for tokenize (GGUF, tokenizer.json, SentencePiece or tiktoken tokenizer.model)
  --special         print control tokens as their text (e.g. <|eot_id|>)
  --jsonl           read stdin as one JSON array per line; write one JSON-encoded string per line`,
  async run(argv) {
    const { values, positionals } = parseFlags('detokenize', argv, { tokenizer: { type: 'string' }, special: { type: 'boolean' }, jsonl: { type: 'boolean' } });
    const tok = loadTokenizer(requireFlag('detokenize', 'tokenizer', values.tokenizer));
    const opts = { special: Boolean(values.special) };
    const source = 'llamats detokenize';
    if (values.jsonl) {
      if (positionals.length > 0) throw new ConfigError(source, 'IDS', 'no IDS with --jsonl (input comes from stdin)', JSON.stringify(positionals[0]));
      await forEachJsonLine(source, (v, line) => JSON.stringify(tok.decode(ids(source, `stdin line ${line}`, v), opts)));
      return 0;
    }
    if (positionals.length > 1) throw new ConfigError(source, 'IDS', 'one JSON array (quote it)', `${positionals.length} arguments`);
    const raw = positionals[0] ?? (await readStdin());
    let v: unknown;
    try { v = JSON.parse(raw); } catch (e) { throw new ConfigError(source, 'IDS', 'a JSON array of token ids', (e as Error).message); }
    process.stdout.write(tok.decode(ids(source, 'IDS', v), opts));
    return 0;
  },
};
