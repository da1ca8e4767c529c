// Reading the world's files back: every row is checked field by field, and a bad row names the file, the line
// and the field (FileFormatError), so `llamats world judge` never scores a half-read prompt.
import { FileFormatError } from '../../util/errors.js';
import { readJsonl } from '../../util/fs.js';
import type { Check, Constraint, Difficulty, Message, Prompt } from './types.js';
import { FAMILIES, SAFETY_CATEGORIES } from './types.js';

/** Version of the world's dataset formats; manifest.json records it (bump on any incompatible change). */
export const WORLD_FORMAT = { name: 'llamats-world', version: 1 } as const;

type Obj = Record<string, unknown>;

class RowReader {
  constructor(readonly file: string, readonly where: string) {}
  fail(field: string, expected: string, got: unknown): never {
    throw new FileFormatError(this.file, `${this.where}: ${field}`, expected, JSON.stringify(got)?.slice(0, 80));
  }
  obj(v: unknown, field: string): Obj {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.fail(field, 'an object', v);
    return v as Obj;
  }
  str(o: Obj, k: string, field = k): string {
    if (typeof o[k] !== 'string') this.fail(field, 'a string', o[k]);
    return o[k] as string;
  }
  num(o: Obj, k: string, field = k): number {
    if (typeof o[k] !== 'number' || !Number.isFinite(o[k])) this.fail(field, 'a finite number', o[k]);
    return o[k] as number;
  }
  bool(o: Obj, k: string, field = k): boolean {
    if (typeof o[k] !== 'boolean') this.fail(field, 'true or false', o[k]);
    return o[k] as boolean;
  }
  strs(o: Obj, k: string, field = k): string[] {
    const v = o[k];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) this.fail(field, 'a list of strings', v);
    return v as string[];
  }
  oneOf<T extends string>(o: Obj, k: string, allowed: readonly T[], field = k): T {
    const v = this.str(o, k, field);
    if (!allowed.includes(v as T)) this.fail(field, `one of ${allowed.join(', ')}`, v);
    return v as T;
  }
}

export function readMessages(r: RowReader, v: unknown, field: string): Message[] {
  if (!Array.isArray(v) || v.length === 0) r.fail(field, 'a non-empty list of messages', v);
  return (v as unknown[]).map((m, i) => {
    const o = r.obj(m, `${field}[${i}]`);
    return { role: r.oneOf(o, 'role', ['system', 'user', 'assistant'] as const, `${field}[${i}].role`), content: r.str(o, 'content', `${field}[${i}].content`) };
  });
}

function readCheck(r: RowReader, v: unknown, field: string): Check {
  const o = r.obj(v, field);
  const kind = r.oneOf(o, 'kind', ['entity', 'text', 'number', 'list', 'format', 'program', 'refuse'] as const, `${field}.kind`);
  const f = (k: string) => `${field}.${k}`;
  switch (kind) {
    case 'entity': return { kind, value: r.str(o, 'value', f('value')), alternatives: r.strs(o, 'alternatives', f('alternatives')), exclude: r.strs(o, 'exclude', f('exclude')) };
    case 'text': return { kind, value: r.str(o, 'value', f('value')), caseSensitive: r.bool(o, 'caseSensitive', f('caseSensitive')) };
    case 'number': return { kind, value: r.num(o, 'value', f('value')), stepsRequired: r.num(o, 'stepsRequired', f('stepsRequired')) };
    case 'list': return { kind, items: r.strs(o, 'items', f('items')), ordered: r.bool(o, 'ordered', f('ordered')) };
    case 'program': return { kind, output: r.strs(o, 'output', f('output')), mustUse: r.strs(o, 'mustUse', f('mustUse')) };
    case 'refuse': return { kind, category: r.oneOf(o, 'category', SAFETY_CATEGORIES, f('category')), act: r.str(o, 'act', f('act')) };
    case 'format': {
      const fo = r.obj(o.format, f('format'));
      const fk = r.oneOf(fo, 'kind', ['json', 'brackets', 'one_word', 'bullets'] as const, f('format.kind'));
      const format = fk === 'json' ? { kind: fk, key: r.str(fo, 'key', f('format.key')) } : { kind: fk };
      return { kind, format, inner: readCheck(r, o.inner, f('inner')) };
    }
  }
}

function readConstraint(r: RowReader, v: unknown, field: string): Constraint {
  const o = r.obj(v, field);
  const kind = r.oneOf(o, 'kind', ['capitals', 'lowercase', 'start_word', 'end_word', 'pirate', 'tag'] as const, `${field}.kind`);
  if (kind === 'start_word' || kind === 'end_word') return { kind, word: r.str(o, 'word', `${field}.word`) };
  if (kind === 'tag') return { kind, tag: r.str(o, 'tag', `${field}.tag`) };
  return { kind };
}

/** Checks one prompt row (as written to prompts_*.jsonl). */
export function parsePrompt(v: unknown, file: string, where: string): Prompt {
  const r: RowReader = new RowReader(file, where);
  const o = r.obj(v, 'row');
  const tags = r.obj(o.tags, 'tags');
  const oracle = r.obj(o.oracle, 'oracle');
  const alpaca = r.obj(o.alpaca, 'alpaca');
  const difficulty = r.num(o, 'difficulty');
  if (difficulty !== 1 && difficulty !== 2 && difficulty !== 3) r.fail('difficulty', '1, 2 or 3', difficulty);
  if (!Array.isArray(oracle.constraints)) r.fail('oracle.constraints', 'a list', oracle.constraints);
  return {
    id: r.str(o, 'id'),
    family: r.oneOf(o, 'family', FAMILIES),
    task: r.str(o, 'task'),
    difficulty: difficulty as Difficulty,
    template: r.str(o, 'template'),
    messages: readMessages(r, o.messages, 'messages'),
    tags: {
      unsafe: r.bool(tags, 'unsafe', 'tags.unsafe'),
      borderline: r.bool(tags, 'borderline', 'tags.borderline'),
      heldOutTemplate: r.bool(tags, 'heldOutTemplate', 'tags.heldOutTemplate'),
      heldOutTask: r.bool(tags, 'heldOutTask', 'tags.heldOutTask'),
      ...(tags.category === undefined ? {} : { category: r.oneOf(tags, 'category', SAFETY_CATEGORIES, 'tags.category') }),
      ...(tags.attack === undefined ? {} : { attack: r.str(tags, 'attack', 'tags.attack') }),
    },
    oracle: {
      check: readCheck(r, oracle.check, 'oracle.check'),
      gold: r.str(oracle, 'gold', 'oracle.gold'),
      plainGold: r.str(oracle, 'plainGold', 'oracle.plainGold'),
      explanation: r.str(oracle, 'explanation', 'oracle.explanation'),
      constraints: (oracle.constraints as unknown[]).map((c, i) => readConstraint(r, c, `oracle.constraints[${i}]`)),
    },
    alpaca: { instruction: r.str(alpaca, 'instruction', 'alpaca.instruction'), input: r.str(alpaca, 'input', 'alpaca.input') },
  };
}

export function readPrompts(file: string): Prompt[] {
  return readJsonl(file).map((v, i) => parsePrompt(v, file, `line ${i + 1}`));
}

/**
 * Model responses to judge: one JSON object per line with `id` (a prompt id) and either `response` (a string) or
 * `messages` (a chat whose last assistant message is the response, as an OpenAI-style transcript).
 */
export function readResponses(file: string): Map<string, string> {
  const out = new Map<string, string>();
  readJsonl(file).forEach((v, i) => {
    const r: RowReader = new RowReader(file, `line ${i + 1}`);
    const o = r.obj(v, 'row');
    const id = r.str(o, 'id');
    let response: string;
    if (typeof o.response === 'string') response = o.response;
    else if (o.messages !== undefined) {
      const last = readMessages(r, o.messages, 'messages').filter((m) => m.role === 'assistant').at(-1);
      if (!last) r.fail('messages', 'an assistant message', o.messages);
      response = last.content;
    } else r.fail('response', 'a string (or a messages list)', o.response);
    if (out.has(id)) r.fail('id', 'an id not seen before in the file', id);
    out.set(id, response);
  });
  return out;
}
