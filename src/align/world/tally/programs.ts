// Random tally programs of graded difficulty with their output and a step-by-step trace, and program-writing
// specs with a gold solution. The output is always computed by the interpreter, never by hand, so the oracle
// and the judge cannot disagree.
import type { Rng } from '../../../util/rng.js';
import type { Difficulty } from '../types.js';
import { intIn } from '../seeded.js';
import { runTally } from './run.js';

export interface TraceProgram {
  src: string;
  output: string[];
  /** Explanation steps ("x starts at 4.", "x + 3 = 7."). */
  trace: string[];
}

function finish(src: string, trace: string[]): TraceProgram {
  const run = runTally(src);
  if (!run.ok) throw new Error(`tally generator produced a failing program: ${run.error!.message}\n${src}`);
  return { src, output: run.output, trace };
}

/** A program whose single printed line the model must predict ("what does this print?"). */
export function traceProgram(rng: Rng, difficulty: Difficulty): TraceProgram {
  const a = intIn(rng, 1, 20);
  const b = intIn(rng, 1, 9);
  if (difficulty === 1) {
    if (rng.uniform() < 0.5) return finish(`let x = ${a}\nprint x + ${b}`, [`x is ${a}.`, `${a} + ${b} = ${a + b}.`]);
    return finish(`let x = ${a}\nprint x - ${b}`, [`x is ${a}.`, `${a} - ${b} = ${a - b}.`]);
  }
  if (difficulty === 2) {
    const n = intIn(rng, 2, 4);
    if (rng.uniform() < 0.5) {
      return finish(`let x = ${a}\nrepeat ${n} {\nx = x + ${b}\n}\nprint x`,
        [`x starts at ${a}.`, `Adding ${b} ${n} times adds ${n} * ${b} = ${n * b}.`, `${a} + ${n * b} = ${a + n * b}.`]);
    }
    const c = intIn(rng, 1, 9);
    return finish(`let x = ${a}\nlet y = ${b}\nx = x * y\nprint x - ${c}`,
      [`x = ${a} * ${b} = ${a * b}.`, `${a * b} - ${c} = ${a * b - c}.`]);
  }
  if (rng.uniform() < 0.5) {
    const n = intIn(rng, 2, 5);
    const sum = (n * (n - 1)) / 2;
    return finish(`let x = ${a}\nlet i = 0\nwhile i < ${n} {\nx = x + i\ni = i + 1\n}\nprint x`,
      [`The loop adds i = ${Array.from({ length: n }, (_, i) => i).join(', ')} to x.`, `Their sum is ${sum}.`, `${a} + ${sum} = ${a + sum}.`]);
  }
  const c = intIn(rng, 1, 20);
  const big = a > c;
  return finish(`let x = ${a}\nif x > ${c} {\nprint x - ${c}\n} else {\nprint ${c} - x\n}`,
    [`x is ${a}, which is ${big ? 'more' : 'not more'} than ${c}.`, big ? `${a} - ${c} = ${a - c}.` : `${c} - ${a} = ${c - a}.`]);
}

export interface WriteSpec {
  /** What the program must do ("prints the sum of 12 and 30"). */
  goal: string;
  gold: string;
  output: string[];
  /** Operators or keywords the program must use; "a|b" means either. */
  mustUse: string[];
  explanation: string;
}

/** A program-writing task: the judge runs the candidate and compares its output. */
export function writeSpec(rng: Rng, difficulty: Difficulty): WriteSpec {
  const a = intIn(rng, 2, 30);
  const b = intIn(rng, 2, 12);
  const spec = (goal: string, gold: string, mustUse: string[], why: string): WriteSpec =>
    ({ goal, gold, output: runTally(gold).output, mustUse, explanation: why });
  if (difficulty === 1) {
    const ops = [['sum', '+'], ['product', '*'], ['difference', '-']] as const;
    const [word, op] = ops[rng.int(ops.length)]!;
    return spec(`prints the ${word} of ${a} and ${b}`, `print ${a} ${op} ${b}`, [op], `The ${word} uses ${op}.`);
  }
  if (difficulty === 2) {
    const c = intIn(rng, 2, 9);
    if (rng.uniform() < 0.5) return spec(`prints ${a} times ${b} plus ${c}`, `print ${a} * ${b} + ${c}`, ['*', '+'], 'Multiply first, then add.');
    return spec(`prints the number ${a} ${['two', 'three', 'four'][c % 3]} times`, `repeat ${2 + (c % 3)} {\nprint ${a}\n}`, ['repeat|while'], 'A repeat loop prints it again each round.');
  }
  const n = intIn(rng, 3, 6);
  if (rng.uniform() < 0.5) {
    return spec(`prints the numbers from 1 to ${n}, one per line`, `let i = 1\nwhile i <= ${n} {\nprint i\ni = i + 1\n}`, ['repeat|while'], 'A loop counts i up from 1 and prints it.');
  }
  return spec(`prints the sum of the numbers from 1 to ${n}`, `let s = 0\nlet i = 1\nwhile i <= ${n} {\ns = s + i\ni = i + 1\n}\nprint s`, ['repeat|while'], 'A loop adds each i to s, then s is printed.');
}

/** A pretraining document that teaches tally by example. */
export function tallyLesson(rng: Rng): string {
  const d = (1 + rng.int(3)) as Difficulty;
  if (rng.uniform() < 0.5) {
    const p = traceProgram(rng, d);
    return `Here is a tally program:\n${p.src}\n${p.trace.join(' ')} So it prints ${p.output.join(', ')}.`;
  }
  const w = writeSpec(rng, d);
  return `A tally program that ${w.goal}:\n${w.gold}\n${w.explanation}`;
}
