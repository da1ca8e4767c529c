import { readRoundsRun, runRounds } from '../../align/rounds-run.js';
import { parseFlags, requireFlag, type Command } from '../command.js';

export const command: Command = {
  name: 'rounds',
  summary: 'iterative post-training: Llama 2 RS rounds then PPO, or Llama 3 rounds of RS → SFT → DPO with averaging',
  usage: `
Usage: llamats rounds --config FILE.json

Runs the iterative schedule of "schedule": {"style": "llama2", ...} (RLHF-V1…Vn rejection-sampling rounds, the
targets pooled over earlier rounds from "poolFrom" on, then PPO on top) or {"style": "llama3", ...} (rounds of
RS → SFT → DPO on pairs freshly sampled from the round's model, "variants" DPO runs averaged), from "policy",
with the reward models of "rewardModels". Every round is compared with the starting model on held-out prompts
(win rate, helpfulness, violation and false-refusal rates, RM reward). Writes OUT/model.gguf, rounds.jsonl, a
folder per stage of each round and summary.json; prints the summary as JSON. See configs/rounds-*.json.`,
  async run(argv) {
    const { values } = parseFlags('rounds', argv, { config: { type: 'string' } }, false);
    const summary = runRounds(readRoundsRun(requireFlag('rounds', 'config', values.config)));
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return 0;
  },
};
