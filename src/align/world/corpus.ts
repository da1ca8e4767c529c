// The world as pretraining prose. Every fact of the KB is stated in several phrasings across many short documents,
// and chained documents walk one reference to the next ("Brindle lives in Zorblat. Zorblat lies on the river
// Mellow."), so two-hop questions have a path a model has read. A few documents teach the tally language by
// example. One document = one paragraph with no blank line, so a corpus file separates documents by blank lines.
import type { Rng } from '../../util/rng.js';
import { createKb, follow, subject, KB_SIZES, type Entity, type Kb, type KbSize } from './kb.js';
import { ATTRIBUTES, attributesOf, fill } from './schema.js';
import { rngFor } from './seeded.js';
import { tallyLesson } from './tally/programs.js';

const INTRO: Record<Entity['kind'], readonly string[]> = {
  land: ['{E} is a land of the world.', 'This is about the land of {E}.'],
  city: ['{E} is a city.', 'This is about the city of {E}.'],
  person: ['{E} is a person.', 'This is about {E}.'],
  creature: ['{E} is a creature.', 'This is about {E}.'],
};

/** One sentence stating `attr` of `e`, in a random phrasing. */
export function factSentence(rng: Rng, e: Entity, attr: string): string {
  const spec = ATTRIBUTES.find((a) => a.kind === e.kind && a.attr === attr)!;
  return fill(rng.pick(spec.prose), subject(e), e.attrs[attr]!);
}

/** A profile: an intro and every attribute, in a shuffled order. */
function profileDoc(rng: Rng, e: Entity): string {
  const attrs = rng.shuffle(attributesOf(e.kind).map((a) => a.attr));
  return [fill(rng.pick(INTRO[e.kind]), subject(e)), ...attrs.map((a) => factSentence(rng, e, a))].join(' ');
}

/** A chain: follows references from `e` for up to three hops, one or two facts per stop. */
function chainDoc(rng: Rng, kb: Kb, e: Entity): string {
  const sentences: string[] = [];
  let cur = e;
  for (let hop = 0; hop < 3; hop++) {
    const refs = attributesOf(cur.kind).filter((a) => 'ref' in a.value);
    const plain = attributesOf(cur.kind).filter((a) => !('ref' in a.value));
    sentences.push(factSentence(rng, cur, rng.pick(plain).attr));
    const via = rng.pick(refs);
    sentences.push(factSentence(rng, cur, via.attr));
    cur = follow(kb, cur, via.attr);
  }
  sentences.push(factSentence(rng, cur, rng.pick(attributesOf(cur.kind)).attr));
  return sentences.join(' ');
}

/**
 * `nDocs` documents about the KB of `kb` (entities in rotation, so every fact is covered about equally often):
 * ~60% profiles, ~30% chains, ~10% tally lessons.
 */
export function renderCorpus(kb: Kb, seed: number, nDocs: number): string[] {
  const rng = rngFor(seed, 'corpus');
  const order = rng.shuffle(kb.entities.slice());
  const docs: string[] = [];
  for (let i = 0; i < nDocs; i++) {
    const e = order[i % order.length]!;
    const u = rng.uniform();
    docs.push(u < 0.6 ? profileDoc(rng, e) : u < 0.9 ? chainDoc(rng, kb, e) : tallyLesson(rng));
  }
  return docs;
}

/** The pretraining documents of the world with this seed (the KB of `createKb(seed, size)`). */
export function worldCorpus(seed: number, nDocs: number, size: KbSize = KB_SIZES.default): string[] {
  return renderCorpus(createKb(seed, size), seed, nDocs);
}
