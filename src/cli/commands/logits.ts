import { loadInferenceModel } from '../../model/load.js';
import { KVCache } from '../../model/inference.js';
import { ConfigError } from '../../util/errors.js';
import { parseFlags, requireFlag, type Command } from '../command.js';

export const command: Command = {
  name: 'logits',
  summary: 'print the logits at the last position for a list of token ids',
  usage: `
Usage: llamats logits --model PATH --tokens "ID ID ID ..." [--all]

Runs the model (GGUF file or Hugging Face folder, any tensor type it holds) on the token ids — BOS is not added —
and prints a JSON array of the logits at the last position (with --all: an array per position).`,
  async run(argv) {
    const { values } = parseFlags('logits', argv, { model: { type: 'string' }, tokens: { type: 'string' }, all: { type: 'boolean' } }, false);
    const path = requireFlag('logits', 'model', values.model);
    const text = requireFlag('logits', 'tokens', values.tokens);
    const ids = text.trim().split(/[\s,]+/).map(Number);
    const m = loadInferenceModel(path);
    ids.forEach((id, i) => {
      if (!Number.isInteger(id) || id < 0 || id >= m.config.vocabSize) {
        throw new ConfigError('llamats logits', `--tokens[${i}]`, `a token id in [0, ${m.config.vocabSize})`, JSON.stringify(text.trim().split(/[\s,]+/)[i]));
      }
    });
    const logits = m.decoder.forward(ids, new KVCache(m.config, Math.max(ids.length, 1)), values.all);
    const V = m.config.vocabSize;
    const rows = values.all ? Array.from({ length: ids.length }, (_, t) => Array.from(logits.subarray(t * V, (t + 1) * V))) : Array.from(logits);
    process.stdout.write(`${JSON.stringify(rows)}\n`);
    return 0;
  },
};
