import { readEvalRun, runEval } from '../../eval/run.js';
import { parseFlags, requireFlag, type Command } from '../command.js';

export const command: Command = {
  name: 'eval',
  summary: 'judged evaluation on the world: helpfulness, violation / false-refusal rates, win rates, RM accuracy',
  usage: `
Usage: llamats eval --config FILE.json

Each model of the config answers the world's held-out prompts (greedy unless "generation" sets a temperature)
and its held-out safety set; the world's judge scores every answer. Writes OUT/eval.json, eval.md (helpfulness
with 95% intervals on all, seen-template and held-out-template prompts, violation and false-refusal rates, per
family; judged win rates; reward-model accuracy per rating bucket), helpfulness.svg, safety.svg, rm-*.svg and
responses-NAME.jsonl; prints eval.md. See configs/eval-*.json and src/eval/run.ts.`,
  async run(argv) {
    const { values } = parseFlags('eval', argv, { config: { type: 'string' } }, false);
    const report = runEval(readEvalRun(requireFlag('eval', 'config', values.config)));
    process.stdout.write(report.markdown);
    return 0;
  },
};
