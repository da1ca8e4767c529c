// `llamats tokenizer train`: trains a byte-level BPE (Llama 3 shape) or SentencePiece-style BPE (Llama 2 shape)
// tokenizer on text files and writes it as GGUF metadata (vocab-only .gguf) or a tokenizer.json.
import { readFileSync } from 'node:fs';
import { writeGguf } from '../../io/gguf/write.js';
import { tokenizerToGgufMetadata } from '../../tokenizer/gguf.js';
import { tokenizerToHfJson } from '../../tokenizer/hf-json.js';
import { trainTokenizer } from '../../tokenizer/train-tokenizer.js';
import { ConfigError } from '../../util/errors.js';
import { writeFileAtomic } from '../../util/fs.js';
import { log, Progress } from '../../util/progress.js';
import { numberFlag, parseFlags, requireFlag, type Command } from '../command.js';

export const command: Command = {
  name: 'tokenizer',
  summary: 'train a BPE tokenizer on text files (tokenizer train ...)',
  usage: `
Usage: llamats tokenizer train --input FILE... --vocab-size N --out FILE [--kind bpe|spm] [--special-tokens K]

Trains a tokenizer with N tokens in all on the UTF-8 text FILEs and writes it to FILE: a vocab-only GGUF when
FILE ends in .gguf, else a Hugging Face tokenizer.json. Both load with --tokenizer in tokenize/detokenize.
  --kind bpe         byte-level BPE with the Llama 3 pre-tokenizer and K Llama 3 special tokens (default)
  --kind spm         SentencePiece-style BPE (Llama 2 shape: ▁, byte fallback, <unk> <s> </s>)
  --special-tokens K Llama 3 special tokens for --kind bpe (default 256; <|begin_of_text|> … <|eot_id|>, reserved)`,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub !== 'train') throw new ConfigError('llamats tokenizer', 'subcommand', '"train"', JSON.stringify(sub ?? ''));
    const { values } = parseFlags('tokenizer train', rest, {
      input: { type: 'string', multiple: true }, 'vocab-size': { type: 'string' }, out: { type: 'string' },
      kind: { type: 'string' }, 'special-tokens': { type: 'string' },
    }, false);
    const inputs = values.input ?? [];
    if (inputs.length === 0) throw new ConfigError('llamats tokenizer train', '--input', 'one or more text files', 'none');
    const kind = values.kind ?? 'bpe';
    if (kind !== 'bpe' && kind !== 'spm') throw new ConfigError('llamats tokenizer train', '--kind', '"bpe" or "spm"', JSON.stringify(kind));
    const vocabSize = numberFlag('tokenizer train', 'vocab-size', requireFlag('tokenizer train', 'vocab-size', values['vocab-size']), 0, { integer: true, min: 1 });
    const specialTokens = numberFlag('tokenizer train', 'special-tokens', values['special-tokens'], 256, { integer: true, min: 2 });
    const out = requireFlag('tokenizer train', 'out', values.out);
    const texts = inputs.map((f) => readFileSync(f, 'utf8'));
    const progress = new Progress('train tokenizer', 1, { unit: 'merges' });
    const vocab = trainTokenizer(texts, { kind, vocabSize, specialTokens, onMerge: (k, total) => { progress.setTotal(total); progress.update(k); } });
    progress.finish();
    if (out.endsWith('.gguf')) writeGguf(out, [['general.architecture', { type: 'string', value: 'llama' }], ...tokenizerToGgufMetadata(vocab)], []);
    else writeFileAtomic(out, JSON.stringify(tokenizerToHfJson(vocab)));
    const n = vocab.kind === 'bpe' ? vocab.tokens.length : vocab.pieces.length;
    log(`wrote ${out}: ${n} tokens (${kind})${n < vocabSize ? `; the corpus ran out of pairs before ${vocabSize}` : ''}`);
    return 0;
  },
};
