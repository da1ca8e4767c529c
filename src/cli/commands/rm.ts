import { readRewardRun, runRewardModel } from '../../align/reward-run.js';
import { parseFlags, requireFlag, type Command } from '../command.js';

export const command: Command = {
  name: 'rm',
  summary: 'train a helpfulness or safety reward model (Llama 2 §3.2.2 margin loss, Llama 3 ranking)',
  usage: `
Usage: llamats rm --config FILE.json

Trains a reward model from a base checkpoint (SFT or pretrained): the LM head replaced by a scalar head read at
the last token, the binary ranking loss with the Llama 2 margin tables ("objective": {"kind": "margin",
"margins": "none"|"small"|"large"}) or the margin-free Llama 3 ranking edited > chosen > rejected ({"kind":
"ranking"}), on the world's annotated pairs in the Llama 2 mix of its kind (helpfulness or safety), one epoch,
warmup 3% (at least 5 steps), cosine to 10%. OUT becomes a reward-model folder (model.gguf + reward_head.json)
with metrics.jsonl, plots, accuracy.md (held-out accuracy per rating bucket, Llama 2 Table 8), accuracy.svg,
scatter-*.svg (RM score vs judged helpfulness) and summary.json. See configs/rm-*.json and src/align/reward-run.ts.`,
  async run(argv) {
    const { values } = parseFlags('rm', argv, { config: { type: 'string' } }, false);
    const summary = runRewardModel(readRewardRun(requireFlag('rm', 'config', values.config)));
    const acc = (e: typeof summary.accuracy.helpfulness) => (e ? { overall: e.overall.accuracy, byRating: Object.fromEntries(Object.entries(e.byRating).map(([k, v]) => [k, v.accuracy])), judge: e.judge.accuracy, pearson: e.pearson } : null);
    process.stdout.write(`${JSON.stringify({ ...summary, accuracy: { helpfulness: acc(summary.accuracy.helpfulness), safety: acc(summary.accuracy.safety) } })}\n`);
    return 0;
  },
};
