// Small arithmetic with step-by-step answers: one operation (1), two operations with precedence (2), word
// problems set in the world and bracketed expressions (3). Gold answers show every step as "a op b = c" and
// end with "The answer is N." — the judge checks both the steps and the result.
import type { Rng } from '../../../util/rng.js';
import type { Kb } from '../kb.js';
import { intIn } from '../seeded.js';
import type { Instance, TaskSpec } from './task.js';

type Op = '+' | '-' | '*';
const apply = (a: number, op: Op, b: number) => (op === '+' ? a + b : op === '-' ? a - b : a * b);

/** Steps "a op b = c." and the final line, as one gold answer. */
function solution(steps: readonly [number, Op, number][], user: string, key: string): Instance {
  const lines = steps.map(([a, op, b]) => `${a} ${op} ${b} = ${apply(a, op, b)}.`);
  const [a, op, b] = steps[steps.length - 1]!;
  const value = apply(a, op, b);
  const gold = `${lines.join(' ')} The answer is ${value}.`;
  return { key, user, check: { kind: 'number', value, stepsRequired: steps.length > 1 ? steps.length : 0 }, gold, explanation: gold };
}

const ONE_OP = ['What is {e}?', 'Compute {e}.', 'Calculate {e}.'] as const;

const oneOp: TaskSpec = {
  id: 'arithmetic.one_op', family: 'arithmetic', difficulties: [1], templates: 3,
  generate(_kb, rng, _d, t) {
    const op: Op = rng.pick(['+', '-'] as const);
    let [a, b] = [intIn(rng, 2, 50), intIn(rng, 2, 50)];
    if (op === '-' && b > a) [a, b] = [b, a];
    const e = `${a} ${op} ${b}`;
    return solution([[a, op, b]], ONE_OP[t % 3]!.replace('{e}', e), `arithmetic.one_op|${e}`);
  },
};

const twoOps: TaskSpec = {
  id: 'arithmetic.two_ops', family: 'arithmetic', difficulties: [2], templates: 3,
  generate(_kb, rng, _d, t) {
    // x * y ± z or z + x * y: the product comes first either way (precedence).
    const [x, y, z] = [intIn(rng, 2, 9), intIn(rng, 2, 9), intIn(rng, 2, 30)];
    const productFirst = rng.uniform() < 0.5;
    const op: Op = productFirst ? rng.pick(['+', '-'] as const) : '+';
    const e = productFirst ? `${x} * ${y} ${op} ${z}` : `${z} + ${x} * ${y}`;
    const steps: [number, Op, number][] = productFirst ? [[x, '*', y], [x * y, op, z]] : [[x, '*', y], [z, '+', x * y]];
    return solution(steps, ONE_OP[t % 3]!.replace('{e}', e), `arithmetic.two_ops|${e}`);
  },
};

const PROBLEMS: readonly ((kb: Kb, rng: Rng) => { text: string; steps: [number, Op, number][]; key: string })[] = [
  (kb, rng) => {
    const p = rng.pick(kb.byKind.person).name;
    const [a, b, c] = [intIn(rng, 3, 20), intIn(rng, 2, 9), intIn(rng, 1, 3)];
    return { text: `${p} has ${a} plums. ${p} finds ${b} more and then gives ${c} away. How many plums does ${p} have now?`, steps: [[a, '+', b], [a + b, '-', c]], key: `${p}|${a}|${b}|${c}` };
  },
  (kb, rng) => {
    const p = rng.pick(kb.byKind.person).name;
    const [a, b, c] = [intIn(rng, 2, 6), intIn(rng, 2, 6), intIn(rng, 1, 3)];
    return { text: `${p} bakes ${a} trays of buns with ${b} buns on each tray and eats ${c}. How many buns are left?`, steps: [[a, '*', b], [a * b, '-', c]], key: `${p}|${a}|${b}|${c}` };
  },
  (kb, rng) => {
    const city = rng.pick(kb.byKind.city).name;
    const [a, b, c] = [intIn(rng, 2, 9), intIn(rng, 2, 6), intIn(rng, 1, 9)];
    return { text: `There are ${a} towers in ${city}. Each tower has ${b} windows, and the gate has ${c} more. How many windows are there in all?`, steps: [[a, '*', b], [a * b, '+', c]], key: `${city}|${a}|${b}|${c}` };
  },
];

const wordProblem: TaskSpec = {
  id: 'arithmetic.word_problem', family: 'arithmetic', difficulties: [3], templates: PROBLEMS.length,
  generate(kb, rng, _d, t) {
    const p = PROBLEMS[t % PROBLEMS.length]!(kb, rng);
    return solution(p.steps, p.text, `arithmetic.word_problem|${t}|${p.key}`);
  },
};

const brackets: TaskSpec = {
  id: 'arithmetic.brackets', family: 'arithmetic', difficulties: [3], templates: 3,
  generate(_kb, rng, _d, t) {
    const [x, y, z] = [intIn(rng, 2, 20), intIn(rng, 2, 20), intIn(rng, 2, 9)];
    const op: Op = rng.pick(['+', '-'] as const);
    const [a, b] = op === '-' && y > x ? [y, x] : [x, y];
    const e = `(${a} ${op} ${b}) * ${z}`;
    return solution([[a, op, b], [apply(a, op, b), '*', z]], ONE_OP[t % 3]!.replace('{e}', e), `arithmetic.brackets|${e}`);
  },
};

export const ARITHMETIC_TASKS: readonly TaskSpec[] = [oneOp, twoOps, wordProblem, brackets];
