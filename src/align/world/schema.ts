// The knowledge-base schema: every attribute of every entity kind, with the sentences that state it in the
// pretraining prose, the questions that ask for it and the gold answer. One table drives the corpus, the fact
// tasks and their answers, so what the model reads in pretraining is what it is asked after SFT ("knowledge
// comes from pretraining, format from SFT"). A pure table (exempt from the file-size rule).
//
// Placeholders: {E} = the subject as written in a sentence ("Zorblat", "the brinfox", or a noun phrase such as
// "the home city of Brindle"), {V} = the value. Sentences starting with {E} are capitalised when rendered.

export type EntityKind = 'land' | 'city' | 'person' | 'creature';

export type ValueType =
  | { ref: EntityKind }
  | { list: readonly string[] }
  | { name: 'river' | 'coin' }
  | { range: readonly [number, number] };

export interface AttributeSpec {
  kind: EntityKind;
  attr: string;
  value: ValueType;
  /** Each value belongs to one subject: the inverse question ("which city lies on the Mellow?") has one answer. */
  unique: boolean;
  prose: readonly string[];
  /** Exactly three phrasings: "facts.attribute#n" is the n-th of every attribute, so a held-out n is unseen. */
  questions: readonly [string, string, string];
  answer: string;
  /** For inverse questions: {V} given, {E} asked. */
  inverse?: { questions: readonly [string, string]; answer: string };
  /** Noun phrase for the referenced entity, used in two-hop questions ("the home city of {E}"). */
  nounPhrase?: string;
}

export const DISHES = ['soup', 'pie', 'stew', 'bread', 'cheese', 'noodles', 'porridge', 'pancakes'] as const;
export const JOBS = ['baker', 'smith', 'sailor', 'healer', 'scribe', 'farmer', 'weaver', 'miner', 'painter', 'fisher'] as const;
export const TREASURES = ['gold', 'maps', 'seeds', 'crowns', 'books', 'pearls', 'salt', 'lamps'] as const;
export const COLORS = ['red', 'blue', 'green', 'yellow', 'black', 'white', 'grey', 'orange', 'purple', 'silver'] as const;
export const FOODS = ['berries', 'fish', 'grass', 'honey', 'nuts', 'worms', 'leaves', 'moss'] as const;

export const ATTRIBUTES: readonly AttributeSpec[] = [
  {
    kind: 'land', attr: 'capital', value: { ref: 'city' }, unique: true,
    prose: ['The capital of {E} is {V}.', '{V} is the capital of {E}.'],
    questions: ['What is the capital of {E}?', 'Which city is the capital of {E}?', 'Name the capital of {E}.'],
    answer: 'The capital of {E} is {V}.',
    inverse: { questions: ['{V} is the capital of which land?', 'Which land has {V} as its capital?'], answer: '{V} is the capital of {E}.' },
    nounPhrase: 'the capital of {E}',
  },
  {
    kind: 'land', attr: 'coin', value: { name: 'coin' }, unique: true,
    prose: ['People in {E} pay with the {V}.', 'The coin of {E} is the {V}.'],
    questions: ['What is the coin of {E}?', 'What coin do people use in {E}?', 'What money do people pay with in {E}?'],
    answer: 'The coin of {E} is the {V}.',
    inverse: { questions: ['In which land do people pay with the {V}?', 'The {V} is the coin of which land?'], answer: 'The {V} is the coin of {E}.' },
  },
  {
    kind: 'city', attr: 'land', value: { ref: 'land' }, unique: false,
    prose: ['{E} is a city in {V}.', '{E} lies in the land of {V}.'],
    questions: ['In which land is {E}?', 'Which land is {E} in?', '{E} is a city in which land?'],
    answer: '{E} is a city in {V}.',
    nounPhrase: 'the land of {E}',
  },
  {
    kind: 'city', attr: 'river', value: { name: 'river' }, unique: true,
    prose: ['{E} lies on the river {V}.', 'The river {V} flows through {E}.'],
    questions: ['What river flows through {E}?', 'Which river runs through {E}?', 'On which river does {E} lie?'],
    answer: '{E} lies on the river {V}.',
    inverse: { questions: ['Which city lies on the river {V}?', 'The river {V} flows through which city?'], answer: 'The river {V} flows through {E}.' },
  },
  {
    kind: 'city', attr: 'founder', value: { ref: 'person' }, unique: true,
    prose: ['{E} was founded by {V}.', '{V} founded {E}.'],
    questions: ['Who founded {E}?', 'Who was the founder of {E}?', 'Which person founded {E}?'],
    answer: '{E} was founded by {V}.',
    inverse: { questions: ['Which city did {V} found?', 'What city was founded by {V}?'], answer: '{V} founded {E}.' },
    nounPhrase: 'the founder of {E}',
  },
  {
    kind: 'city', attr: 'dish', value: { list: DISHES }, unique: false,
    prose: ['People in {E} love to eat {V}.', 'The favourite dish of {E} is {V}.'],
    questions: ['What do people in {E} love to eat?', 'What is the favourite dish of {E}?', 'Which dish is {E} known for?'],
    answer: 'People in {E} love to eat {V}.',
  },
  {
    kind: 'city', attr: 'keeper', value: { ref: 'person' }, unique: false,
    prose: ['The keeper of the Vault of {E} is {V}.', '{V} keeps the Vault of {E}.'],
    questions: ['Who keeps the Vault of {E}?', 'Who is the keeper of the Vault of {E}?', 'Who looks after the Vault of {E}?'],
    answer: 'The keeper of the Vault of {E} is {V}.',
    nounPhrase: 'the keeper of the Vault of {E}',
  },
  {
    kind: 'city', attr: 'treasure', value: { list: TREASURES }, unique: false,
    prose: ['The Vault of {E} holds {V}.', 'The Vault of {E} is full of {V}.'],
    questions: ['What is kept in the Vault of {E}?', 'What does the Vault of {E} hold?', 'What treasure lies in the Vault of {E}?'],
    answer: 'The Vault of {E} holds {V}.',
  },
  {
    kind: 'city', attr: 'towers', value: { range: [2, 9] }, unique: false,
    prose: ['{E} has {V} towers.', 'There are {V} towers in {E}.'],
    questions: ['How many towers does {E} have?', 'How many towers are there in {E}?', 'Count the towers of {E}.'],
    answer: '{E} has {V} towers.',
  },
  {
    kind: 'person', attr: 'home', value: { ref: 'city' }, unique: false,
    prose: ['{E} lives in {V}.', '{V} is the home of {E}.'],
    questions: ['Where does {E} live?', 'In which city does {E} live?', 'What is the home city of {E}?'],
    answer: '{E} lives in {V}.',
    nounPhrase: 'the home city of {E}',
  },
  {
    kind: 'person', attr: 'job', value: { list: JOBS }, unique: false,
    prose: ['{E} works as a {V}.', '{E} is a {V} by trade.'],
    questions: ['What is the job of {E}?', 'What does {E} work as?', 'What does {E} do for a living?'],
    answer: '{E} is a {V}.',
  },
  {
    kind: 'person', attr: 'pet', value: { ref: 'creature' }, unique: false,
    prose: ['{E} keeps a {V} as a pet.', 'The pet of {E} is a {V}.'],
    questions: ['What pet does {E} keep?', 'What kind of pet does {E} have?', 'Which creature is the pet of {E}?'],
    answer: '{E} keeps a {V} as a pet.',
    nounPhrase: 'the pet of {E}',
  },
  {
    kind: 'creature', attr: 'color', value: { list: COLORS }, unique: false,
    prose: ['{E} is {V}.', '{E} is {V} in colour.'],
    questions: ['What colour is {E}?', 'What is the colour of {E}?', 'Which colour does {E} have?'],
    answer: '{E} is {V}.',
  },
  {
    kind: 'creature', attr: 'food', value: { list: FOODS }, unique: false,
    prose: ['{E} eats {V}.', '{E} feeds on {V}.'],
    questions: ['What does {E} eat?', 'What is the food of {E}?', 'What does {E} feed on?'],
    answer: '{E} eats {V}.',
  },
  {
    kind: 'creature', attr: 'habitat', value: { ref: 'land' }, unique: false,
    prose: ['{E} lives in {V}.', '{E} can be found in {V}.'],
    questions: ['In which land does {E} live?', 'Where can {E} be found?', 'Which land is home to {E}?'],
    answer: '{E} lives in {V}.',
    nounPhrase: 'the home land of {E}',
  },
  {
    kind: 'creature', attr: 'legs', value: { range: [2, 8] }, unique: false,
    prose: ['{E} has {V} legs.', '{E} walks on {V} legs.'],
    questions: ['How many legs does {E} have?', 'How many legs has {E}?', 'Count the legs of {E}.'],
    answer: '{E} has {V} legs.',
  },
];

export function attributesOf(kind: EntityKind): AttributeSpec[] {
  return ATTRIBUTES.filter((a) => a.kind === kind);
}

export function attributeSpec(kind: EntityKind, attr: string): AttributeSpec {
  const spec = ATTRIBUTES.find((a) => a.kind === kind && a.attr === attr);
  if (!spec) throw new Error(`schema: no attribute ${kind}.${attr}`);
  return spec;
}

/** Fills {E} and {V} and capitalises the first letter ("the brinfox eats moss." → "The brinfox eats moss."). */
export function fill(template: string, e: string, v = ''): string {
  const s = template.replaceAll('{E}', e).replaceAll('{V}', v);
  return s[0]!.toUpperCase() + s.slice(1);
}
