import { writePretrainingCorpus } from '../../align/data/pretraining.js';
import { readSftRun, runSft } from '../../align/sft-run.js';
import { createWorld, type WorldConfig } from '../../align/world/index.js';
import { ConfigError } from '../../util/errors.js';
import { readJsonFile } from '../../util/fs.js';
import { numberFlag, parseFlags, requireFlag, type Command } from '../command.js';

const USAGE = `
Usage:
  llamats sft --config FILE.json
  llamats sft corpus --out DIR [--world FILE.json] [--kb-docs N] [--task-lists N]

Supervised fine-tuning (Llama 2 §3.1): loss on answer tokens only, examples packed with document masking,
every assistant turn of multi-turn chats trained on. The config names the base model ("base": a GGUF file or an
HF folder with its tokenizer), the world, the chat template, the data sources (chat, orca, alpaca, sharegpt,
lima-curated, lima-noisy, self-instruct, file) and the stage hyper-parameters (see configs/sft-*.json and
src/align/sft.ts for every key and its default). Writes OUT/model.gguf, metrics.jsonl, loss plots and
summary.json; prints the summary as JSON.

corpus  writes DIR/world.jsonl, pretraining documents for a base model of the world (knowledge-base prose and
        task lists), for a {"kind": "folder", "path": DIR} source of \`llamats train\` (configs/world-base.json).`;

async function corpus(argv: string[]): Promise<number> {
  const { values } = parseFlags('sft corpus', argv, { out: { type: 'string' }, world: { type: 'string' }, 'kb-docs': { type: 'string' }, 'task-lists': { type: 'string' } }, false);
  const out = requireFlag('sft corpus', 'out', values.out);
  const cfg = values.world === undefined ? { seed: 1, size: 'small' } : readJsonFile(values.world);
  if (cfg === null || typeof cfg !== 'object' || Array.isArray(cfg)) throw new ConfigError(values.world!, '(root)', 'a JSON world config object');
  const world = createWorld(cfg as Partial<WorldConfig>);
  const r = writePretrainingCorpus(world, out, {
    ...(values['kb-docs'] === undefined ? {} : { kbDocs: numberFlag('sft corpus', 'kb-docs', values['kb-docs'], 0, { integer: true, min: 1 }) }),
    ...(values['task-lists'] === undefined ? {} : { taskLists: numberFlag('sft corpus', 'task-lists', values['task-lists'], 0, { integer: true, min: 0 }) }),
  });
  process.stdout.write(`${JSON.stringify(r)}\n`);
  return 0;
}

export const command: Command = {
  name: 'sft',
  summary: 'supervised fine-tuning on world demonstrations or imported data (Llama 2 §3.1, imitation styles)',
  usage: USAGE,
  async run(argv) {
    if (argv[0] === 'corpus') return corpus(argv.slice(1));
    const { values } = parseFlags('sft', argv, { config: { type: 'string' } }, false);
    const { summary } = runSft(readSftRun(requireFlag('sft', 'config', values.config)));
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return 0;
  },
};
