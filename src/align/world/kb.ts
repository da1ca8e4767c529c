// The fictional knowledge base: lands, cities, people and creatures with the attributes of schema.ts, drawn
// from a seed. Small (≈50–150 entities, ≈300–600 facts) so that a 1–15M-parameter model can memorise it from a
// few MB of pretraining prose.
import type { Rng } from '../../util/rng.js';
import { ConfigError } from '../../util/errors.js';
import { NameGenerator } from './names.js';
import { ATTRIBUTES, type EntityKind } from './schema.js';
import { intIn, rngFor } from './seeded.js';

export interface Entity {
  kind: EntityKind;
  name: string;
  /** attribute → value (entity names, list words, generated names, or decimal integers). */
  attrs: Record<string, string>;
}

export interface KbSize {
  lands: number;
  cities: number;
  people: number;
  creatures: number;
}

export const KB_SIZES = {
  small: { lands: 4, cities: 16, people: 24, creatures: 10 },
  default: { lands: 8, cities: 40, people: 60, creatures: 24 },
} as const satisfies Record<string, KbSize>;

export interface Kb {
  entities: Entity[];
  byKind: Record<EntityKind, Entity[]>;
  byName: Map<string, Entity>;
}

/** Creature names are common nouns: a sentence says "the brinfox", other subjects are proper names. */
export function subject(e: Entity): string {
  return e.kind === 'creature' ? `the ${e.name}` : e.name;
}

export function createKb(seed: number, size: KbSize): Kb {
  // One founder per city (inverse questions need unique founders) and at least one city per land.
  if (size.lands < 2 || size.cities < size.lands || size.people < size.cities || size.creatures < 2 || size.cities > 200 || size.people > 400 || size.creatures > 100) {
    throw new ConfigError('world config', 'kb size', '2 ≤ lands ≤ cities ≤ people, cities ≤ 200, people ≤ 400, 2 ≤ creatures ≤ 100', JSON.stringify(size));
  }
  const rng = rngFor(seed, 'kb');
  const names = new NameGenerator(rng);
  const make = (kind: EntityKind, n: number, nameKind: 'land' | 'city' | 'person' | 'creature') =>
    Array.from({ length: n }, (): Entity => ({ kind, name: names.next(nameKind, { lower: kind === 'creature' }), attrs: {} }));
  const lands = make('land', size.lands, 'land');
  const cities = make('city', size.cities, 'city');
  const people = make('person', size.people, 'person');
  const creatures = make('creature', size.creatures, 'creature');

  lands.forEach((l, i) => {
    l.attrs.capital = cities[i]!.name; // cities[i] is assigned to land i below, so the capital lies in its land
    l.attrs.coin = names.next('coin', { lower: true });
  });
  const founders = rng.shuffle(people.slice()).slice(0, cities.length);
  cities.forEach((c, i) => {
    c.attrs.land = lands[i < lands.length ? i : rng.int(lands.length)]!.name;
    c.attrs.river = names.next('river');
    c.attrs.founder = founders[i]!.name;
    c.attrs.keeper = rng.pick(people).name;
    c.attrs.towers = String(intIn(rng, 2, 9));
  });
  for (const p of people) {
    p.attrs.home = rng.pick(cities).name;
    p.attrs.pet = rng.pick(creatures).name;
  }
  for (const k of creatures) {
    k.attrs.habitat = rng.pick(lands).name;
    k.attrs.legs = String(2 * intIn(rng, 1, 4));
  }
  const entities = [...lands, ...cities, ...people, ...creatures];
  // List-valued attributes come last, from one generic rule.
  for (const e of entities) {
    for (const spec of ATTRIBUTES) if (spec.kind === e.kind && 'list' in spec.value) e.attrs[spec.attr] = pickFrom(rng, spec.value.list);
  }
  return {
    entities,
    byKind: { land: lands, city: cities, person: people, creature: creatures },
    byName: new Map(entities.map((e) => [e.name, e])),
  };
}

function pickFrom(rng: Rng, list: readonly string[]): string {
  return list[rng.int(list.length)]!;
}

/** The entity a reference attribute points to. */
export function follow(kb: Kb, e: Entity, attr: string): Entity {
  const target = kb.byName.get(e.attrs[attr] ?? '');
  if (!target) throw new Error(`kb: ${e.name}.${attr} is not a reference`);
  return target;
}

/** Every value an attribute takes across the KB (the pool of plausible wrong answers). */
export function valuesOf(kb: Kb, kind: EntityKind, attr: string): string[] {
  return [...new Set(kb.byKind[kind].map((e) => e.attrs[attr]!))];
}
