// Format following (Llama 3 §4.3.5-style instruction following): a fact, sum or list question with an answer
// format to obey — brackets or one word (1), JSON with a given key or a bulleted list (2). The judge gives half
// the credit for the format and half for the content, so right-format-wrong-value and the reverse both score 0.5.
import type { Rng } from '../../../util/rng.js';
import type { Kb } from '../kb.js';
import type { AnswerFormat } from '../types.js';
import { ATTRIBUTES } from '../schema.js';
import { attributeInstance } from './facts.js';
import { LIST_TASKS } from './lists.js';
import { ARITHMETIC_TASKS } from './arithmetic.js';
import type { Instance, TaskSpec } from './task.js';

function inner(kb: Kb, rng: Rng, kind: 'fact' | 'sum'): Instance & { value: string; keyName: string } {
  if (kind === 'fact') {
    const x = attributeInstance(rng, kb, rng.int(3), ATTRIBUTES) // every KB value is one word;
    return { ...x, keyName: x.attr };
  }
  const x = ARITHMETIC_TASKS[0]!.generate(kb, rng, 1, rng.int(3));
  return { ...x, value: String((x.check as { value: number }).value), keyName: 'answer' };
}

function wrap(id: string, format: AnswerFormat, x: Instance, suffix: string, gold: string): Instance {
  return {
    key: `${id}|${x.key}`,
    user: `${x.user} ${suffix}`,
    check: { kind: 'format', format, inner: x.check },
    gold,
    explanation: gold,
  };
}

const BRACKETS = ['Put your answer in square brackets.', 'Write only the answer, inside [ and ].', 'Answer inside square brackets.'] as const;
const ONE_WORD = ['Answer in one word.', 'Reply with a single word.', 'Use just one word.'] as const;
const JSON_KEY = ['Answer as JSON with the key "{k}".', 'Reply in JSON, using the key "{k}".', 'Give your answer as a JSON object with the key "{k}".'] as const;
const BULLETS = ['Answer as a bulleted list.', 'Write one item per line, each starting with "- ".', 'Give the answer as a list of bullet points.'] as const;

const brackets: TaskSpec = {
  id: 'format.brackets', family: 'format', difficulties: [1], templates: 3,
  generate(kb, rng, _d, t) {
    const x = inner(kb, rng, rng.uniform() < 0.7 ? 'fact' : 'sum');
    return wrap('format.brackets', { kind: 'brackets' }, x, BRACKETS[t % 3]!, `[${x.value}]`);
  },
};

const oneWord: TaskSpec = {
  id: 'format.one_word', family: 'format', difficulties: [1], templates: 3,
  generate(kb, rng, _d, t) {
    const x = inner(kb, rng, 'fact');
    return wrap('format.one_word', { kind: 'one_word' }, x, ONE_WORD[t % 3]!, `${x.value[0]!.toUpperCase()}${x.value.slice(1)}.`);
  },
};

const json: TaskSpec = {
  id: 'format.json', family: 'format', difficulties: [2], templates: 3,
  generate(kb, rng, _d, t) {
    const x = inner(kb, rng, rng.uniform() < 0.7 ? 'fact' : 'sum');
    const value = x.check.kind === 'number' ? Number(x.value) : x.value;
    return wrap('format.json', { kind: 'json', key: x.keyName }, x, JSON_KEY[t % 3]!.replace('{k}', x.keyName), JSON.stringify({ [x.keyName]: value }));
  },
};

const bullets: TaskSpec = {
  id: 'format.bullets', family: 'format', difficulties: [2], templates: 3,
  generate(kb, rng, _d, t) {
    const sort = LIST_TASKS.find((s) => s.id === 'lists.sort')!;
    const x = sort.generate(kb, rng, 2, rng.int(3));
    const items = x.check.kind === 'list' ? x.check.items : [];
    return wrap('format.bullets', { kind: 'bullets' }, x, BULLETS[t % 3]!, items.map((i) => `- ${i}`).join('\n'));
  },
};

export const FORMAT_TASKS: readonly TaskSpec[] = [brackets, oneWord, json, bullets];
