import { readTrainConfig } from '../../train/config.js';
import { pretrain } from '../../train/pretrain.js';
import { parseFlags, requireFlag, type Command } from '../command.js';

export const command: Command = {
  name: 'train',
  summary: 'pretrain a model from a JSON config (checkpoints, metrics.jsonl, plots, export)',
  usage: `
Usage: llamats train --config FILE.json [--resume]

Trains the model a JSON config describes (see configs/ and src/train/config.ts for every key and its default)
and writes into the config's "out" folder: checkpoints/ (atomic, checksummed), metrics.jsonl, loss/lr/grad-norm/
throughput SVG plots, tokenizer.json, summary.json and the exported model. Progress goes to stderr; the summary
(validation loss, unigram baseline, sample) is printed to stdout as JSON.

  --config FILE   the training config (unknown keys are errors)
  --resume        continue bit-exactly from the newest checkpoint in the run folder`,
  async run(argv) {
    const { values } = parseFlags('train', argv, { config: { type: 'string' }, resume: { type: 'boolean' } }, false);
    const cfg = readTrainConfig(requireFlag('train', 'config', values.config));
    const summary = pretrain(cfg, { resume: values.resume ?? false });
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return 0;
  },
};
