import { readJsonFile, writeJsonl } from '../../util/fs.js';
import { ConfigError, FileFormatError } from '../../util/errors.js';
import { createWorld, DATASET_SIZES, DEFAULT_ANNOTATOR, FAMILIES, checkAnnotatorConfig, judge, readPrompts, readResponses, summarize, formatMetrics, writeDatasets, type Family, type JudgedPrompt, type WorldConfig } from '../../align/world/index.js';
import { numberFlag, parseFlags, requireFlag, type Command } from '../command.js';

const USAGE = `
Usage:
  llamats world generate --out DIR [--seed N] [--size small|default] [--config FILE.json]
                         [--train N] [--heldout N] [--noise S] [--disagreement P]
  llamats world judge --prompts FILE --responses FILE [--json] [--out FILE]
  llamats world sample [--split train|heldout] [--n N] [--family F] [--seed N] [--size small|default]
  llamats world corpus [--docs N] [--seed N] [--size small|default]

The synthetic alignment world (issue 9): a seeded fictional knowledge base, task families with exact judges,
unsafe requests and borderline look-alikes, simulated annotators and Ghost Attention dialogues.

generate  writes prompts_{train,heldout,heldout_safety}.jsonl, sft.jsonl, sft_orca.jsonl, alpaca.json, sharegpt.json,
          lima_{curated,noisy}.jsonl, preferences_{helpful,safety,heldout}.jsonl, dialogues_gatt[_heldout].jsonl,
          corpus.txt, manifest.json and DATASETS.md (the schemas) into DIR. --size sets the knowledge base and the
          counts (small: 1000 train prompts; default: 5000); --config is a JSON world config (seed, size,
          heldOutFraction, heldOutTasks, heldOutTemplatesPerTask, mix); --noise and --disagreement set the
          simulated annotators (defaults ${DEFAULT_ANNOTATOR.noise}, ${DEFAULT_ANNOTATOR.disagreement}).
judge     scores responses ({"id", "response"} per line, or "messages" with the answer last) against the
          prompts and prints helpfulness, violation rate, false-refusal rate and per-family means (--json: one
          JSON object); --out writes one judgement per line.
sample    prints N prompts as JSONL (to look at the world).
corpus    prints N pretraining documents separated by blank lines.`;

function worldConfig(values: { seed?: string; size?: string; config?: string }): Partial<WorldConfig> {
  const base = values.config === undefined ? {} : (readJsonFile(values.config) as Partial<WorldConfig>);
  if (base === null || typeof base !== 'object' || Array.isArray(base)) throw new ConfigError(values.config!, '(root)', 'a JSON object');
  const cfg: Partial<WorldConfig> = { ...base };
  if (values.seed !== undefined) cfg.seed = numberFlag('world', 'seed', values.seed, 1, { integer: true, min: 0, max: 0xffffffff });
  if (values.size !== undefined) {
    if (values.size !== 'small' && values.size !== 'default') throw new ConfigError('llamats world', '--size', 'small or default', JSON.stringify(values.size));
    cfg.size = values.size;
  }
  return cfg;
}

const COMMON = { seed: { type: 'string' }, size: { type: 'string' } } as const;

async function generate(argv: string[]): Promise<number> {
  const { values } = parseFlags('world generate', argv, { ...COMMON, out: { type: 'string' }, config: { type: 'string' }, train: { type: 'string' }, heldout: { type: 'string' }, noise: { type: 'string' }, disagreement: { type: 'string' } }, false);
  const out = requireFlag('world generate', 'out', values.out);
  const world = createWorld(worldConfig(values));
  const base = DATASET_SIZES[world.config.size];
  const counts = {
    ...base,
    train: numberFlag('world generate', 'train', values.train, base.train, { integer: true, min: 1 }),
    heldout: numberFlag('world generate', 'heldout', values.heldout, base.heldout, { integer: true, min: 1 }),
  };
  const annotator = checkAnnotatorConfig({
    ...DEFAULT_ANNOTATOR,
    noise: numberFlag('world generate', 'noise', values.noise, DEFAULT_ANNOTATOR.noise, { min: 0 }),
    disagreement: numberFlag('world generate', 'disagreement', values.disagreement, DEFAULT_ANNOTATOR.disagreement, { min: 0, max: 1 }),
  }, 'llamats world generate');
  const manifest = writeDatasets(world, out, counts, annotator);
  process.stdout.write(`${JSON.stringify({ out, seed: manifest.seed, files: manifest.files })}\n`);
  return 0;
}

async function judgeFiles(argv: string[]): Promise<number> {
  const { values } = parseFlags('world judge', argv, { prompts: { type: 'string' }, responses: { type: 'string' }, json: { type: 'boolean' }, out: { type: 'string' } }, false);
  const promptsFile = requireFlag('world judge', 'prompts', values.prompts);
  const responsesFile = requireFlag('world judge', 'responses', values.responses);
  const prompts = new Map(readPrompts(promptsFile).map((p) => [p.id, p]));
  const responses = readResponses(responsesFile);
  const rows: (JudgedPrompt & { id: string; task: string })[] = [];
  for (const [id, response] of responses) {
    const prompt = prompts.get(id);
    if (!prompt) throw new FileFormatError(responsesFile, `id ${JSON.stringify(id)}`, `a prompt id from ${promptsFile}`, 'an unknown id');
    rows.push({ id, task: prompt.task, prompt, judgement: judge(prompt, response) });
  }
  if (values.out !== undefined) writeJsonl(values.out, rows.map((r) => ({ id: r.id, task: r.task, ...r.judgement })));
  const m = summarize(rows);
  process.stdout.write(values.json ? `${JSON.stringify(m)}\n` : formatMetrics(m));
  return 0;
}

async function sample(argv: string[]): Promise<number> {
  const { values } = parseFlags('world sample', argv, { ...COMMON, split: { type: 'string' }, n: { type: 'string' }, family: { type: 'string' } }, false);
  const split = values.split ?? 'train';
  if (split !== 'train' && split !== 'heldout') throw new ConfigError('llamats world sample', '--split', 'train or heldout', JSON.stringify(split));
  if (values.family !== undefined && !FAMILIES.includes(values.family as Family)) throw new ConfigError('llamats world sample', '--family', `one of ${FAMILIES.join(', ')}`, JSON.stringify(values.family));
  const n = numberFlag('world sample', 'n', values.n, 5, { integer: true, min: 1 });
  const world = createWorld(worldConfig(values));
  const prompts = world.sample(split, n, values.family ? { mix: { [values.family]: 1 } } : {});
  process.stdout.write(prompts.map((p) => `${JSON.stringify(p)}\n`).join(''));
  return 0;
}

async function corpus(argv: string[]): Promise<number> {
  const { values } = parseFlags('world corpus', argv, { ...COMMON, docs: { type: 'string' } }, false);
  const world = createWorld(worldConfig(values));
  const docs = world.corpus(numberFlag('world corpus', 'docs', values.docs, 20 * world.kb.entities.length, { integer: true, min: 1 }));
  process.stdout.write(`${docs.join('\n\n')}\n`);
  return 0;
}

const SUBCOMMANDS: Record<string, (argv: string[]) => Promise<number>> = { generate, judge: judgeFiles, sample, corpus };

export const command: Command = {
  name: 'world',
  summary: 'the synthetic alignment world: generate datasets, judge responses, sample prompts',
  usage: USAGE,
  async run(argv) {
    const [sub, ...rest] = argv;
    const run = sub === undefined ? undefined : SUBCOMMANDS[sub];
    if (!run) throw new ConfigError('llamats world', 'subcommand', `one of ${Object.keys(SUBCOMMANDS).join(', ')}`, JSON.stringify(sub ?? ''));
    return run(rest);
  },
};
