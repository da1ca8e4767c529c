// String transforms on common words: easy ones that copy or case-change (1), letter-level ones on short words (2)
// and on longer words (3). Hard for a byte-level BPE model by design: the difficulty grades are real.
import type { Rng } from '../../../util/rng.js';
import type { Difficulty } from '../types.js';
import { NUMBER_WORDS } from '../text.js';
import { explain, type Instance, type TaskSpec } from './task.js';

export const WORDS = [
  'cat', 'dog', 'sun', 'cup', 'hat', 'box', 'pen', 'egg', 'map', 'key', 'owl', 'bee',
  'fish', 'tree', 'moon', 'star', 'boat', 'lamp', 'door', 'bell', 'milk', 'rain', 'ship', 'frog',
  'apple', 'river', 'stone', 'cloud', 'bread', 'green', 'house', 'light', 'water', 'night', 'tiger', 'plant',
  'garden', 'pencil', 'window', 'rabbit', 'silver', 'winter', 'basket', 'forest', 'button', 'mirror', 'candle', 'pepper',
] as const;

/** A word whose length fits the difficulty: 3–4 letters (1, 2), 5–6 letters (3). */
function word(rng: Rng, difficulty: Difficulty): string {
  const pool = WORDS.filter((w) => (difficulty === 3 ? w.length >= 5 : w.length <= 4));
  return rng.pick(pool);
}

type Op = { id: string; difficulties: Difficulty[]; templates: readonly [string, string, string]; instruction: string; make(rng: Rng, d: Difficulty): { vars: Record<string, string>; input: string; value: string; steps: string[]; caseSensitive?: boolean; count?: boolean } };

const OPS: readonly Op[] = [
  {
    id: 'strings.upper', difficulties: [1], instruction: 'Write the word in capital letters.',
    templates: ['Write the word "{w}" in capital letters.', 'Convert "{w}" to upper case.', 'What is "{w}" in capitals?'],
    make: (rng, d) => { const w = word(rng, d); return { vars: { w }, input: w, value: w.toUpperCase(), steps: [`Each letter of "${w}" becomes a capital.`], caseSensitive: true }; },
  },
  {
    id: 'strings.first_letter', difficulties: [1], instruction: 'Give the first letter of the word.',
    templates: ['What is the first letter of "{w}"?', 'Which letter does "{w}" start with?', 'Give the first letter of the word "{w}".'],
    make: (rng, d) => { const w = word(rng, d); return { vars: { w }, input: w, value: w[0]!, steps: [`"${w}" starts with ${w[0]}.`] }; },
  },
  {
    id: 'strings.repeat', difficulties: [1], instruction: 'Repeat the word the given number of times, separated by spaces.',
    templates: ['Repeat the word "{w}" {n} times.', 'Write "{w}" {n} times, separated by spaces.', 'Say "{w}" {n} times.'],
    make: (rng, d) => {
      const w = word(rng, d);
      const n = 2 + rng.int(2);
      return { vars: { w, n: NUMBER_WORDS[n]! }, input: `${w}, ${NUMBER_WORDS[n]} times`, value: Array(n).fill(w).join(' '), steps: [`Write "${w}" ${NUMBER_WORDS[n]} times.`] };
    },
  },
  {
    id: 'strings.reverse', difficulties: [2, 3], instruction: 'Reverse the word.',
    templates: ['Reverse the word "{w}".', 'Spell "{w}" backwards.', 'What is "{w}" written backwards?'],
    make: (rng, d) => {
      const w = word(rng, d);
      const r = [...w].reverse();
      return { vars: { w }, input: w, value: r.join(''), steps: [`The letters of "${w}" are ${[...w].join(', ')}.`, `Backwards they are ${r.join(', ')}.`] };
    },
  },
  {
    id: 'strings.count_letters', difficulties: [2], instruction: 'Count the letters of the word.',
    templates: ['How many letters are in "{w}"?', 'Count the letters in the word "{w}".', 'How long is the word "{w}" in letters?'],
    make: (rng) => {
      const w = rng.pick(WORDS);
      return { vars: { w }, input: w, value: String(w.length), steps: [`The letters of "${w}" are ${[...w].join(', ')}.`], count: true };
    },
  },
  {
    id: 'strings.join', difficulties: [2], instruction: 'Join the two words with a dash.',
    templates: ['Join "{a}" and "{b}" with a dash.', 'Put a dash between "{a}" and "{b}".', 'Combine "{a}" and "{b}" into one word with a dash between them.'],
    make: (rng) => {
      const [a, b] = [rng.pick(WORDS), rng.pick(WORDS)];
      return { vars: { a, b }, input: `${a}, ${b}`, value: `${a}-${b}`, steps: [`Write "${a}", a dash, then "${b}".`] };
    },
  },
  {
    id: 'strings.remove_vowels', difficulties: [3], instruction: 'Remove the vowels from the word.',
    templates: ['Remove the vowels from "{w}".', 'Write "{w}" without its vowels.', 'Delete every vowel in "{w}".'],
    make: (rng) => {
      const w = word(rng, 3);
      return { vars: { w }, input: w, value: w.replace(/[aeiou]/g, ''), steps: [`The vowels of "${w}" are ${[...w].filter((c) => 'aeiou'.includes(c)).join(', ')}.`] };
    },
  },
];

function toTask(op: Op): TaskSpec {
  return {
    id: op.id, family: 'strings', difficulties: op.difficulties, templates: 3,
    generate(_kb, rng, d, t): Instance {
      const x = op.make(rng, d);
      const user = Object.entries(x.vars).reduce((s, [k, v]) => s.replaceAll(`{${k}}`, v), op.templates[t % 3]!);
      return {
        key: `${op.id}|${x.input}`,
        user,
        alpaca: { instruction: op.instruction, input: x.input },
        check: x.count ? { kind: 'number', value: Number(x.value), stepsRequired: 0 } : { kind: 'text', value: x.value, caseSensitive: x.caseSensitive ?? false },
        gold: x.count ? `"${x.vars.w}" has ${x.value} letters.` : x.value,
        explanation: explain(x.steps, x.value),
      };
    },
  };
}

export const STRING_TASKS: readonly TaskSpec[] = OPS.map(toTask);
