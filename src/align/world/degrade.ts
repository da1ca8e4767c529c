// Responses of graded quality for a prompt: the gold, then systematic degradations (a near miss, a wrong value,
// the wrong format, padding, an unneeded refusal, compliance with an unsafe request, a broken system constraint).
// Before any model exists, pairs of these with their judged scores are the preference data (Llama 2 §3.2.1
// samples two responses per prompt); later the models' own samples are judged the same way.
import type { Rng } from '../../util/rng.js';
import type { Check, Prompt } from './types.js';
import type { Kb } from './kb.js';
import { DISHES, JOBS, TREASURES, COLORS, FOODS, attributesOf } from './schema.js';
import { applyConstraints } from './constraints.js';
import { BARE_REFUSAL, refusalFor } from './refusal.js';
import { REQUESTS, drawTargets } from './tasks/safety.js';
import { factSentence } from './corpus.js';
import { WORDS } from './tasks/strings.js';
import { SAFETY_CATEGORIES } from './types.js';

export type DegradeKind =
  | 'gold' | 'explained' | 'verbose' | 'partial' | 'wrong_value' | 'wrong_format' | 'off_topic'
  | 'refusal' | 'bare_refusal' | 'compliance' | 'disclaimer_compliance' | 'broken_code' | 'constraint_broken' | 'constraint_partial';

export interface Candidate {
  kind: DegradeKind;
  response: string;
}

const FILLERS = [
  'I hope this helps, and feel free to ask me anything else about the world.',
  'Let me know if you would like me to explain any of this in more detail.',
  'That is a good question, and I am always happy to answer questions like it.',
] as const;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Replaces whole-word occurrences of `from` (all, or only the last `count`). */
function replaceWord(text: string, from: string, to: string, count = Infinity): string {
  const re = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRe(from)}(?![\\p{L}\\p{N}])`, 'gu');
  const hits = [...text.matchAll(re)];
  let out = text;
  for (const m of hits.slice(Math.max(0, hits.length - count)).reverse()) out = out.slice(0, m.index) + to + out.slice(m.index! + from.length);
  return out;
}

/** Plausible wrong values of the same type as `value` (another city for a city, another colour for a colour). */
export function wrongValues(kb: Kb, value: string): string[] {
  const e = kb.byName.get(value);
  if (e) return kb.byKind[e.kind].map((x) => x.name).filter((n) => n !== value);
  if (/^-?\d+$/.test(value)) return [1, 2, 3].map((d) => String(Number(value) + d));
  const lists: readonly (readonly string[])[] = [DISHES, JOBS, TREASURES, COLORS, FOODS,
    kb.byKind.city.map((c) => c.attrs.river!), kb.byKind.land.map((l) => l.attrs.coin!), WORDS];
  return (lists.find((l) => l.includes(value)) ?? []).filter((v) => v !== value);
}

function misspell(rng: Rng, s: string): string {
  if (s.length < 3) return s + s[s.length - 1];
  const i = 1 + rng.int(s.length - 2);
  const c = s[i] === 'a' ? 'e' : 'a';
  return s.slice(0, i) + c + s.slice(i + 1);
}

/** Content degradations for a check, applied to the plain gold. */
function contentDegradations(kb: Kb, rng: Rng, check: Check, gold: string): Candidate[] {
  switch (check.kind) {
    case 'entity': {
      const wrong = wrongValues(kb, check.value).filter((v) => !check.exclude.includes(v));
      // A near miss: a misspelt name, or a count that is off by one.
      const near = /^\d+$/.test(check.value) ? String(Number(check.value) + 1) : misspell(rng, check.value);
      const out: Candidate[] = [{ kind: 'partial', response: replaceWord(gold, check.value, near) }];
      if (check.exclude.length > 0) out.push({ kind: 'wrong_value', response: replaceWord(gold, check.value, check.exclude[0]!) });
      else if (wrong.length > 0) out.push({ kind: 'wrong_value', response: replaceWord(gold, check.value, rng.pick(wrong)) });
      return out;
    }
    case 'number': {
      const v = String(check.value);
      const n = gold.includes('The answer is') ? 2 : 1;
      const out: Candidate[] = [
        { kind: 'partial', response: replaceWord(gold, v, String(check.value + 1 + rng.int(3)), n) },
        { kind: 'wrong_value', response: replaceWord(gold, v, String(check.value + 10 + rng.int(20)), n) },
      ];
      if (check.stepsRequired > 0) out.push({ kind: 'wrong_format', response: `The answer is ${v}.` });
      return out;
    }
    case 'text':
      return [
        { kind: 'partial', response: misspell(rng, check.value) },
        { kind: 'wrong_value', response: rng.pick(WORDS) },
        ...(check.caseSensitive ? [{ kind: 'wrong_format' as const, response: check.value.toLowerCase() }] : []),
      ];
    case 'list': {
      const xs = [...check.items];
      const i = rng.int(Math.max(1, xs.length - 1));
      const swapped = [...xs];
      [swapped[i], swapped[i + 1]] = [swapped[i + 1]!, swapped[i]!];
      return [
        { kind: 'partial', response: swapped.join(', ') },
        { kind: 'wrong_value', response: rng.shuffle([...xs]).slice(0, Math.max(1, xs.length - 1)).join(', ') },
        { kind: 'wrong_format', response: xs.join(' ') },
      ];
    }
    case 'format': {
      const inner = check.inner;
      const value = inner.kind === 'entity' ? inner.value : inner.kind === 'number' ? String(inner.value) : '';
      const out: Candidate[] = [];
      if (value !== '') {
        out.push({ kind: 'wrong_format', response: value });
        const wrong = wrongValues(kb, value);
        if (wrong.length > 0) out.push({ kind: 'wrong_value', response: replaceWord(gold, value, rng.pick(wrong)) });
      } else if (inner.kind === 'list') {
        out.push({ kind: 'wrong_format', response: inner.items.join(', ') });
        out.push({ kind: 'partial', response: gold.split('\n').reverse().join('\n') });
      }
      return out;
    }
    case 'program': {
      const lit = gold.match(/\d+/)?.[0];
      return [
        ...(lit ? [{ kind: 'wrong_value' as const, response: gold.replace(lit, String(Number(lit) + 1)) }] : []),
        ...(check.output.length === 1 && check.mustUse.length > 0 ? [{ kind: 'partial' as const, response: `print ${check.output[0]}` }] : []),
        { kind: 'broken_code', response: gold.replace('print', 'prnt') },
      ];
    }
    case 'refuse':
      return [];
  }
}

/** The gold and its degradations for `prompt`, each response distinct. */
export function degradedResponses(kb: Kb, prompt: Prompt, rng: Rng): Candidate[] {
  const { check, plainGold, explanation, constraints } = prompt.oracle;
  const plain: Candidate[] = [{ kind: 'gold', response: plainGold }];
  if (check.kind === 'refuse') {
    const t = drawTargets(kb, rng);
    const comply = REQUESTS[check.category].compliance.replace(/\{(\w+)\}/g, (_, k: string) => t[k as keyof typeof t]);
    plain.push(
      { kind: 'bare_refusal', response: BARE_REFUSAL },
      { kind: 'refusal', response: refusalFor(rng, check.category) },
      { kind: 'compliance', response: comply },
      { kind: 'disclaimer_compliance', response: `I should not say this, but here is how: ${comply}` },
    );
  } else {
    plain.push(
      { kind: 'explained', response: explanation },
      { kind: 'verbose', response: `${plainGold} ${rng.pick(FILLERS)}` },
      ...contentDegradations(kb, rng, check, plainGold),
      { kind: 'refusal', response: refusalFor(rng, prompt.tags.category ?? rng.pick(SAFETY_CATEGORIES)) },
      { kind: 'off_topic', response: randomFact(kb, rng) },
    );
  }
  const out = constraints.length === 0 ? plain : [
    ...plain.map((c) => ({ kind: c.kind, response: applyConstraints(constraints, c.response) })),
    { kind: 'constraint_broken' as const, response: plainGold },
    ...(constraints.length > 1 ? [{ kind: 'constraint_partial' as const, response: applyConstraints(constraints.slice(0, 1), plainGold) }] : []),
  ];
  const seen = new Set<string>();
  return out.filter((c) => !seen.has(c.response) && seen.add(c.response));
}

/** A true sentence about some entity: fluent, confident and beside the point. */
function randomFact(kb: Kb, rng: Rng): string {
  const e = rng.pick(kb.entities);
  return factSentence(rng, e, rng.pick(attributesOf(e.kind)).attr);
}
