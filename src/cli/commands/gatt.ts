import { readGattRun, runGatt } from '../../align/gatt-run.js';
import { parseFlags, requireFlag, type Command } from '../command.js';

export const command: Command = {
  name: 'gatt',
  summary: 'Ghost Attention: keep a system instruction over many turns (Llama 2 §3.3)',
  usage: `
Usage: llamats gatt --config FILE.json

Ghost Attention from a checkpoint ("policy"): synthetic multi-turn dialogues under a system constraint, the
instruction appended to every user turn while the answers are sampled (or taken from the world's oracle), then
kept only in the system turn with the loss zeroed on every earlier turn; a control is fine-tuned on the same
dialogues without GAtt. Adherence per turn (every constraint checked, the model answering its own dialogue) is
measured for the start, the control and the GAtt model. Writes OUT/model.gguf, adherence.jsonl,
gatt-adherence.svg, the SFT metrics and summary.json; prints the summary as JSON. See configs/gatt-tiny.json and
src/align/gatt-run.ts.`,
  async run(argv) {
    const { values } = parseFlags('gatt', argv, { config: { type: 'string' } }, false);
    const summary = runGatt(readGattRun(requireFlag('gatt', 'config', values.config)));
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return 0;
  },
};
