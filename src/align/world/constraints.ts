// System-prompt constraints that can be checked on every turn, for Ghost Attention (Llama 2 §3.3, App. A.3.5).
// Llama 2 used hobbies, languages and public figures; ours are their checkable analogues: a "language"
// (capitals / lower case), a figure (a pirate who says "Arr"), and habits (start or end with a word, carry a tag).
// Each has a full instruction and a short form ("Figure: Napoleon" in Llama 2; "Style: pirate" here), and a
// decoration that the judge strips before it scores the content.
import type { Rng } from '../../util/rng.js';
import type { Constraint } from './types.js';
import { words } from './text.js';

export const CONSTRAINT_KINDS = ['capitals', 'lowercase', 'start_word', 'end_word', 'pirate', 'tag'] as const;

/** Words for start/end constraints and tags: never a KB name, a number word or a task word. */
export const HABIT_WORDS = ['indeed', 'friend', 'sunshine', 'okay', 'truly', 'cheers', 'splendid', 'onward'] as const;
export const TAGS = ['ok', 'zeta', 'note', 'done', 'blue', 'star'] as const;

export function randomConstraint(rng: Rng, kind: Constraint['kind']): Constraint {
  switch (kind) {
    case 'start_word': return { kind, word: rng.pick(HABIT_WORDS) };
    case 'end_word': return { kind, word: rng.pick(HABIT_WORDS) };
    case 'tag': return { kind, tag: rng.pick(TAGS) };
    default: return { kind };
  }
}

/** `n` constraints of different kinds that can all hold at once (never capitals with lower case). */
export function randomConstraints(rng: Rng, n: number): Constraint[] {
  const kinds = rng.shuffle([...CONSTRAINT_KINDS]);
  const chosen: Constraint['kind'][] = [];
  for (const k of kinds) {
    if (chosen.length >= n) break;
    if ((k === 'capitals' && chosen.includes('lowercase')) || (k === 'lowercase' && chosen.includes('capitals'))) continue;
    chosen.push(k);
  }
  return chosen.map((k) => randomConstraint(rng, k));
}

/** The instruction in full, as a system message states it. */
export function instruction(c: Constraint): string {
  switch (c.kind) {
    case 'capitals': return 'Always answer in capital letters.';
    case 'lowercase': return 'Always answer in lower case letters only.';
    case 'start_word': return `Start every answer with the word "${c.word}".`;
    case 'end_word': return `End every answer with the word "${c.word}".`;
    case 'pirate': return 'Speak like a pirate: say "Arr" in every answer.';
    case 'tag': return `Put the tag [${c.tag}] in every answer.`;
  }
}

/** The short form (Llama 2 App. A.3.5 shortens half of the instructions). */
export function shortInstruction(c: Constraint): string {
  switch (c.kind) {
    case 'capitals': return 'Style: capitals.';
    case 'lowercase': return 'Style: lower case.';
    case 'start_word': return `First word: ${c.word}.`;
    case 'end_word': return `Last word: ${c.word}.`;
    case 'pirate': return 'Figure: pirate.';
    case 'tag': return `Tag: [${c.tag}].`;
  }
}

export function systemText(constraints: readonly Constraint[], short = false): string {
  return constraints.map(short ? shortInstruction : instruction).join(' ');
}

/** Rewrites `response` so that it satisfies every constraint (the gold under a system prompt). */
export function applyConstraints(constraints: readonly Constraint[], response: string): string {
  const has = <K extends Constraint['kind']>(k: K) => constraints.find((c): c is Extract<Constraint, { kind: K }> => c.kind === k);
  let r = response;
  if (has('pirate')) r = `Arr, ${r}`;
  const tag = has('tag');
  if (tag) r = `${r} [${tag.tag}]`;
  const start = has('start_word');
  // "Indeed, the capital …" but "Indeed, Zorblat …": only a common first word loses its capital.
  if (start) r = `${cap(start.word)}, ${/^(?:The|There|People|It|So)\b/.test(r) ? r[0]!.toLowerCase() + r.slice(1) : r}`;
  const end = has('end_word');
  if (end) r = `${r.replace(/[.!]$/, '')}, ${end.word}.`;
  if (has('capitals')) r = r.toUpperCase();
  if (has('lowercase')) r = r.toLowerCase();
  return r;
}

function cap(s: string): string {
  return s[0]!.toUpperCase() + s.slice(1);
}

/** Whether `response` satisfies `c`. */
export function checkConstraint(c: Constraint, response: string): boolean {
  const ws = words(response);
  switch (c.kind) {
    // An answer with no letters ("2, 5, 9") keeps both: it has no letter of the wrong case.
    case 'capitals': return response.trim() !== '' && response === response.toUpperCase();
    case 'lowercase': return response.trim() !== '' && response === response.toLowerCase();
    case 'start_word': return ws.length > 0 && ws[0]!.toLowerCase() === c.word;
    case 'end_word': return ws.length > 0 && ws[ws.length - 1]!.toLowerCase() === c.word;
    case 'pirate': return /\barr+\b/i.test(response);
    case 'tag': return response.toLowerCase().includes(`[${c.tag}]`);
  }
}

/** Removes what `applyConstraints` adds, so the content judge sees the plain answer. Case is left alone. */
export function stripDecorations(constraints: readonly Constraint[], response: string): string {
  let r = response.trim();
  for (const c of constraints) {
    if (c.kind === 'pirate') r = r.replace(/\barr+\b[,!.]?\s*/gi, '');
    if (c.kind === 'tag') r = r.split(new RegExp(`\\s*\\[${c.tag}\\]`, 'gi')).join('');
  }
  for (const c of constraints) {
    if (c.kind === 'start_word') r = r.replace(new RegExp(`^${c.word}\\b[,!.:]?\\s*`, 'i'), '');
    if (c.kind === 'end_word') r = r.replace(new RegExp(`[,;]?\\s*\\b${c.word}\\s*[.!]?$`, 'i'), '');
  }
  return r.trim();
}
