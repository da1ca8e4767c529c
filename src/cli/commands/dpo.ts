import { readDpoRun, runDpo } from '../../align/dpo-run.js';
import { parseFlags, requireFlag, type Command } from '../command.js';

export const command: Command = {
  name: 'dpo',
  summary: 'direct preference optimization on on-policy preference pairs (Llama 3 §4.1.4: β 0.1, format tokens masked, NLL 0.2)',
  usage: `
Usage: llamats dpo --config FILE.json

One Llama 3 DPO round from a checkpoint ("policy": the SFT model, also the frozen reference): responses sampled
from the policy are shown to the world's annotators, "significantly better" / "better" pairs are kept (or, with
"data": {"source": "world"}, the world's gold-vs-degraded pairs), and the policy is trained with the DPO loss
(β 0.1, header and end-of-turn tokens masked, 0.2 × length-normalised NLL of the chosen answer). Writes
OUT/model.gguf, pairs.jsonl, metrics.jsonl, dpo-loss.svg, dpo-rewards.svg and summary.json (DPO accuracy and
margins, held-out win rate against the starting model, helpfulness, violation and false-refusal rates); prints
the summary as JSON. See configs/dpo-tiny.json and src/align/dpo-run.ts for every key and its default.`,
  async run(argv) {
    const { values } = parseFlags('dpo', argv, { config: { type: 'string' } }, false);
    const summary = runDpo(readDpoRun(requireFlag('dpo', 'config', values.config)));
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return 0;
  },
};
