// Questions about the knowledge base, whose answers the model can only know from the pretraining corpus:
// an attribute (1), the inverse of a one-to-one attribute (2), two hops through a reference (3), and a
// comparison of two cities (3).
import type { Rng } from '../../../util/rng.js';
import type { Check } from '../types.js';
import { follow, subject, type Entity, type Kb } from '../kb.js';
import { ATTRIBUTES, attributesOf, fill, type AttributeSpec } from '../schema.js';
import { NUMBER_WORDS } from '../text.js';
import { explain, type Instance, type TaskSpec } from './task.js';

export function entityCheck(value: string, exclude: string[] = []): Check {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  return { kind: 'entity', value, alternatives: n < NUMBER_WORDS.length ? [NUMBER_WORDS[n]!] : [], exclude };
}

/** One attribute of one entity, asked in phrasing `template` (also used by the format and safety tasks). */
export function attributeInstance(rng: Rng, kb: Kb, template: number, pool?: readonly AttributeSpec[]): Instance & { value: string; attr: string } {
  const spec = rng.pick(pool ?? ATTRIBUTES);
  const e = rng.pick(kb.byKind[spec.kind]);
  const v = e.attrs[spec.attr]!;
  const gold = fill(spec.answer, subject(e), v);
  return {
    key: `facts.attribute|${e.name}|${spec.attr}`,
    user: fill(spec.questions[template % 3]!, subject(e)),
    check: entityCheck(v),
    gold,
    explanation: explain([gold], v),
    value: v,
    attr: spec.attr,
  };
}

const attribute: TaskSpec = {
  id: 'facts.attribute', family: 'facts', difficulties: [1], templates: 3,
  generate: (kb, rng, _d, t) => attributeInstance(rng, kb, t),
};

const inverse: TaskSpec = {
  id: 'facts.inverse', family: 'facts', difficulties: [2], templates: 2,
  generate(kb, rng, _d, t) {
    const spec = rng.pick(ATTRIBUTES.filter((a) => a.unique && a.inverse));
    const e = rng.pick(kb.byKind[spec.kind]);
    const v = e.attrs[spec.attr]!;
    const gold = fill(spec.inverse!.answer, subject(e), v);
    return { key: `facts.inverse|${e.name}|${spec.attr}`, user: fill(spec.inverse!.questions[t % 2]!, '', v), check: entityCheck(e.name), gold, explanation: explain([gold], e.name) };
  },
};

/** Attributes that point to another entity and have a noun phrase ("the home city of {E}"). */
const HOPS = ATTRIBUTES.filter((a) => 'ref' in a.value && a.nounPhrase);

const twoHop: TaskSpec = {
  id: 'facts.two_hop', family: 'facts', difficulties: [3], templates: 3,
  generate(kb, rng, _d, t) {
    const hop = rng.pick(HOPS);
    const e = rng.pick(kb.byKind[hop.kind]);
    const mid: Entity = follow(kb, e, hop.attr);
    const second = rng.pick(attributesOf(mid.kind).filter((a) => follow2ok(a, e, mid)));
    const v = mid.attrs[second.attr]!;
    const phrase = hop.nounPhrase!.replace('{E}', subject(e));
    // The gold walks the chain: first the hop, then the fact (Llama 3 §4.3.3-style step-by-step answers).
    const steps = [fill(hop.answer, subject(e), e.attrs[hop.attr]!), fill(second.answer, subject(mid), v)];
    return {
      key: `facts.two_hop|${e.name}|${hop.attr}|${second.attr}`,
      user: fill(second.questions[t % 3]!, phrase),
      check: entityCheck(v),
      gold: steps.join(' '),
      explanation: explain(steps, v),
    };
  },
};

/** A second hop that leads straight back to where the chain started is not two hops. */
function follow2ok(a: AttributeSpec, start: Entity, mid: Entity): boolean {
  return mid.attrs[a.attr] !== start.name;
}

const COMPARE = ['Which has more towers, {A} or {B}?', 'Does {A} or {B} have more towers?', 'Which city has more towers: {A} or {B}?'] as const;

const compare: TaskSpec = {
  id: 'facts.compare', family: 'facts', difficulties: [3], templates: 3,
  generate(kb, rng, _d, t) {
    const cities = kb.byKind.city;
    let a = rng.pick(cities);
    let b = rng.pick(cities);
    for (let i = 0; i < 100 && (a === b || a.attrs.towers === b.attrs.towers); i++) [a, b] = [rng.pick(cities), rng.pick(cities)];
    const [ta, tb] = [Number(a.attrs.towers), Number(b.attrs.towers)];
    if (a === b || ta === tb) throw new Error('facts.compare: every city has the same number of towers');
    const [win, lose] = ta > tb ? [a, b] : [b, a];
    const [tw, tl] = [Math.max(ta, tb), Math.min(ta, tb)];
    return {
      key: `facts.compare|${[a.name, b.name].sort().join('|')}`,
      user: COMPARE[t % 3]!.replace('{A}', a.name).replace('{B}', b.name),
      check: entityCheck(win.name, [lose.name]),
      gold: `${win.name} has more towers: ${tw} against ${tl}.`,
      explanation: explain([`${a.name} has ${ta} towers.`, `${b.name} has ${tb} towers.`, `${tw} is more than ${tl}.`], win.name),
    };
  },
};

export const FACT_TASKS: readonly TaskSpec[] = [attribute, inverse, twoHop, compare];
