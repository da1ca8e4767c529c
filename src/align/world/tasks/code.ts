// Code tasks in tally (tally/parse.ts): predict what a program prints, or write one that prints a given thing.
// The judge runs written programs in the sandboxed interpreter with a step limit and compares the output —
// execution feedback as in Llama 3 §4.3.1, where the error message is the signal a repair step uses.
import { traceProgram, writeSpec } from '../tally/programs.js';
import { explain, type TaskSpec } from './task.js';

const TRACE = ['What does this tally program print?', 'Run this tally program in your head. What does it print?', 'What is the output of this tally program?'] as const;
const WRITE = ['Write a tally program that {goal}.', 'Write tally code that {goal}.', 'Give me a tally program that {goal}.'] as const;

const trace: TaskSpec = {
  id: 'code.trace', family: 'code', difficulties: [1, 2, 3], templates: 3,
  generate(_kb, rng, d, t) {
    const p = traceProgram(rng, d);
    const out = p.output[0]!;
    return {
      key: `code.trace|${p.src}`,
      user: `${TRACE[t % 3]}\n\`\`\`\n${p.src}\n\`\`\``,
      alpaca: { instruction: TRACE[t % 3]!, input: p.src },
      check: { kind: 'number', value: Number(out), stepsRequired: 0 },
      gold: `It prints ${out}.`,
      explanation: explain(p.trace, out),
    };
  },
};

const write: TaskSpec = {
  id: 'code.write', family: 'code', difficulties: [1, 2, 3], templates: 3,
  generate(_kb, rng, d, t) {
    const w = writeSpec(rng, d);
    return {
      key: `code.write|${w.goal}`,
      user: WRITE[t % 3]!.replace('{goal}', w.goal),
      check: { kind: 'program', output: w.output, mustUse: w.mustUse },
      gold: w.gold,
      // The program closes the explanation in a fence, which is what the judge runs (text.ts answerSpan).
      explanation: `${w.explanation}\n\`\`\`\n${w.gold}\n\`\`\``,
    };
  },
};

export const CODE_TASKS: readonly TaskSpec[] = [trace, write];
