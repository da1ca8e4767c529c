import { readPpoRun, runPpo } from '../../align/ppo-run.js';
import { parseFlags, requireFlag, type Command } from '../command.js';

export const command: Command = {
  name: 'ppo',
  summary: 'PPO against the helpfulness and safety reward models (Llama 2 §3.2.3)',
  usage: `
Usage: llamats ppo --config FILE.json

PPO from a checkpoint ("policy", also the frozen π_0) with the reward models ("rewardModels": {"helpfulness":
DIR, "safety": DIR} from \`llamats rm\`): R = whiten(logit(R_c)) − β·KL(π‖π_0) per token, R_c = R_safety when the
prompt is tagged unsafe or R_safety < 0.15, else R_helpfulness; a value head on the policy trunk, GAE, clip 0.2,
constant learning rate, minibatches; early stopping on held-out prompts. The world's judge scores the same
rollouts beside the RM (reward-hacking check). Writes OUT/model.gguf, metrics.jsonl, ppo-reward.svg, ppo-kl.svg,
ppo-safety.svg and summary.json (held-out win rate against the starting model, helpfulness, violation and
false-refusal rates); prints the summary as JSON. See configs/ppo-tiny.json and src/align/ppo-run.ts.`,
  async run(argv) {
    const { values } = parseFlags('ppo', argv, { config: { type: 'string' } }, false);
    const summary = runPpo(readPpoRun(requireFlag('ppo', 'config', values.config)));
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return 0;
  },
};
