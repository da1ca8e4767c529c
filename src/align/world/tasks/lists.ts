// List operations on short lists of numbers or words: pick one item or count (1), reverse, sort or add up a
// short list (2), sort a longer list or sort words (3).
import type { Rng } from '../../../util/rng.js';
import type { Check, Difficulty } from '../types.js';
import { intIn } from '../seeded.js';
import { WORDS } from './strings.js';
import { entityCheck } from './facts.js';
import { explain, type Instance, type TaskSpec } from './task.js';

function numbers(rng: Rng, n: number): number[] {
  const out = new Set<number>();
  while (out.size < n) out.add(intIn(rng, 2, 99));
  return [...out];
}

function wordList(rng: Rng, n: number): string[] {
  return rng.shuffle([...WORDS]).slice(0, n);
}

type ListOp = {
  id: string;
  difficulties: Difficulty[];
  templates: readonly [string, string, string];
  instruction: string;
  make(rng: Rng, d: Difficulty): { items: (string | number)[]; check: Check; gold: string; steps: string[]; answer: string };
};

const pickOne = (which: 'largest' | 'smallest'): ListOp['make'] => (rng) => {
  const xs = numbers(rng, 3 + rng.int(3));
  const v = which === 'largest' ? Math.max(...xs) : Math.min(...xs);
  return { items: xs, check: entityCheck(String(v), xs.filter((x) => x !== v).map(String)), gold: `The ${which} number is ${v}.`, steps: [`Compare ${xs.join(', ')}.`, `${v} is the ${which}.`], answer: String(v) };
};

const OPS: readonly ListOp[] = [
  {
    id: 'lists.max', difficulties: [1], instruction: 'Find the largest number in the list.',
    templates: ['What is the largest number in this list: {list}?', 'Which number is the biggest: {list}?', 'Find the maximum of {list}.'],
    make: pickOne('largest'),
  },
  {
    id: 'lists.min', difficulties: [1], instruction: 'Find the smallest number in the list.',
    templates: ['What is the smallest number in this list: {list}?', 'Which number is the lowest: {list}?', 'Find the minimum of {list}.'],
    make: pickOne('smallest'),
  },
  {
    id: 'lists.count', difficulties: [1], instruction: 'Count the items in the list.',
    templates: ['How many items are in this list: {list}?', 'Count the items: {list}.', 'How long is the list {list}?'],
    make: (rng) => {
      const xs = wordList(rng, 2 + rng.int(5));
      return { items: xs, check: { kind: 'number', value: xs.length, stepsRequired: 0 }, gold: `There are ${xs.length} items.`, steps: [`The items are ${xs.join(', ')}.`], answer: String(xs.length) };
    },
  },
  {
    id: 'lists.reverse', difficulties: [2], instruction: 'Reverse the list.',
    templates: ['Reverse the list {list}.', 'Write the list {list} backwards.', 'Give the items of {list} in reverse order.'],
    make: (rng) => {
      const xs = rng.uniform() < 0.5 ? numbers(rng, 3 + rng.int(2)).map(String) : wordList(rng, 3 + rng.int(2));
      const r = [...xs].reverse();
      return { items: xs, check: { kind: 'list', items: r, ordered: true }, gold: `Reversed: ${r.join(', ')}`, steps: [`The last item is ${r[0]}, the first is ${xs[0]}.`], answer: r.join(', ') };
    },
  },
  {
    id: 'lists.sort', difficulties: [2, 3], instruction: 'Sort the list in increasing (or alphabetical) order.',
    templates: ['Sort this list: {list}.', 'Put {list} in order.', 'Order the list {list} from first to last.'],
    make: (rng, d) => {
      // Numbers sort from smallest to largest, words alphabetically; 3–4 numbers at level 2, 5–6 items or words at 3.
      const words = d === 3 && rng.uniform() < 0.5;
      const xs = words ? wordList(rng, 4 + rng.int(2)) : numbers(rng, d === 2 ? 3 + rng.int(2) : 5 + rng.int(2)).map(String);
      const sorted = words ? [...xs].sort() : [...xs].sort((a, b) => Number(a) - Number(b));
      return { items: xs, check: { kind: 'list', items: sorted, ordered: true }, gold: `Sorted: ${sorted.join(', ')}`, steps: [`${words ? 'Alphabetically' : 'From smallest to largest'}, ${sorted[0]} comes first and ${sorted[sorted.length - 1]} last.`], answer: sorted.join(', ') };
    },
  },
  {
    id: 'lists.sum', difficulties: [2], instruction: 'Add up the numbers in the list.',
    templates: ['What is the sum of {list}?', 'Add up the numbers {list}.', 'What do {list} add up to?'],
    make: (rng) => {
      const xs = numbers(rng, 3).map((x) => x % 20 + 1);
      const steps: string[] = [];
      let acc = xs[0]!;
      for (const x of xs.slice(1)) {
        steps.push(`${acc} + ${x} = ${acc + x}.`);
        acc += x;
      }
      const gold = `${steps.join(' ')} The answer is ${acc}.`;
      return { items: xs, check: { kind: 'number', value: acc, stepsRequired: xs.length - 1 }, gold, steps, answer: String(acc) };
    },
  },
];

function toTask(op: ListOp): TaskSpec {
  return {
    id: op.id, family: 'lists', difficulties: op.difficulties, templates: 3,
    generate(_kb, rng, d, t): Instance {
      const x = op.make(rng, d);
      const list = x.items.join(', ');
      return {
        key: `${op.id}|${list}`,
        user: op.templates[t % 3]!.replace('{list}', list),
        alpaca: { instruction: op.instruction, input: list },
        check: x.check,
        gold: x.gold,
        explanation: x.check.kind === 'number' && op.id === 'lists.sum' ? x.gold : explain(x.steps, x.answer),
      };
    },
  };
}

export const LIST_TASKS: readonly TaskSpec[] = OPS.map(toTask);
