import { readRsRun, runRs } from '../../align/rs-run.js';
import { parseFlags, requireFlag, type Command } from '../command.js';

export const command: Command = {
  name: 'rs',
  summary: 'rejection sampling: best of K samples by the reward models, then SFT on them (Llama 2 §3.2.3, Llama 3 §4.2.2)',
  usage: `
Usage: llamats rs --config FILE.json

One rejection-sampling round from a checkpoint ("policy"): K samples per prompt (batched), scored by the reward
models with the Llama 2 safety gate, the best kept as SFT targets and the policy fine-tuned on them (the SFT
stage, "sft": {...}); first, unless "sweep": false, the K × temperature sweep of Llama 2 Figs. 7–8 (expected max
and median reward of K samples per temperature, and the world judge's helpfulness of the RM's pick). Writes
OUT/model.gguf, samples.jsonl, sweep.jsonl, rs-max-median.svg, rs-judged.svg, the SFT metrics and summary.json;
prints the summary as JSON. See configs/rs-tiny.json and src/align/rs-run.ts.`,
  async run(argv) {
    const { values } = parseFlags('rs', argv, { config: { type: 'string' } }, false);
    const summary = runRs(readRsRun(requireFlag('rs', 'config', values.config)));
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return 0;
  },
};
