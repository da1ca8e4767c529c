import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWorld, parseWorldConfig, worldCorpus, TASKS, KB_SIZES, type Prompt } from '../../../src/align/world/index.js';
import { ATTRIBUTES, fill } from '../../../src/align/world/schema.js';
import { subject } from '../../../src/align/world/kb.js';
import { levenshtein } from '../../../src/align/world/text.js';
import { ConfigError } from '../../../src/util/errors.js';

const world = createWorld({ seed: 5 });

test('knowledge base: sizes, distinct names, one-to-one attributes, capitals inside their land', () => {
  const { kb } = world;
  const size = KB_SIZES.default;
  assert.deepEqual([kb.byKind.land.length, kb.byKind.city.length, kb.byKind.person.length, kb.byKind.creature.length], [size.lands, size.cities, size.people, size.creatures]);
  const names = [...kb.entities.map((e) => e.name), ...kb.byKind.city.map((c) => c.attrs.river!), ...kb.byKind.land.map((l) => l.attrs.coin!)];
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) assert.ok(levenshtein(names[i]!.toLowerCase(), names[j]!.toLowerCase()) >= 2, `${names[i]} ~ ${names[j]}`);
  }
  for (const spec of ATTRIBUTES.filter((a) => a.unique)) {
    const values = kb.byKind[spec.kind].map((e) => e.attrs[spec.attr]);
    assert.equal(new Set(values).size, values.length, `${spec.kind}.${spec.attr} is one-to-one`);
  }
  for (const land of kb.byKind.land) assert.equal(kb.byName.get(land.attrs.capital!)!.attrs.land, land.name);
  for (const e of kb.entities) for (const spec of ATTRIBUTES.filter((a) => a.kind === e.kind)) assert.ok(e.attrs[spec.attr], `${e.name}.${spec.attr}`);
});

test('the pretraining corpus states every fact of the knowledge base', () => {
  const corpus = world.corpus();
  assert.equal(corpus.length, 20 * world.kb.entities.length);
  assert.ok(corpus.every((d) => d.length > 0 && !d.includes('\n\n')), 'one paragraph per document');
  const text = corpus.join('\n');
  for (const e of world.kb.entities) {
    for (const spec of ATTRIBUTES.filter((a) => a.kind === e.kind)) {
      const stated = spec.prose.some((t) => text.includes(fill(t, subject(e), e.attrs[spec.attr]!)));
      assert.ok(stated, `${e.name}.${spec.attr} = ${e.attrs[spec.attr]}`);
    }
  }
  assert.deepEqual(worldCorpus(5, 50), world.corpus(50));
});

const userText = (p: Prompt) => p.messages.at(-1)!.content.replace(/^(Question: |Please answer this\. |Can you help me\? )/, '');

test('splits: disjoint contents, held-out task and templates never in train', () => {
  const train = world.sample('train', 3000);
  const heldout = world.sample('heldout', 1500);
  const trainTexts = new Set(train.map(userText));
  const shared = heldout.filter((p) => trainTexts.has(userText(p)));
  assert.deepEqual(shared.map((p) => userText(p)), [], 'no held-out question appears in train');
  for (const p of train) {
    assert.ok(!world.config.heldOutTasks.includes(p.task), p.task);
    assert.ok(!p.tags.heldOutTask && !p.tags.heldOutTemplate, p.template);
    assert.ok(!world.splits.heldOutTemplates.get(p.task)!.has(Number(p.template.split('#')[1])), p.template);
  }
  const unseenTask = heldout.filter((p) => p.tags.heldOutTask);
  const unseenTemplate = heldout.filter((p) => p.tags.heldOutTemplate);
  assert.ok(unseenTask.length > 5 && unseenTask.every((p) => p.task === 'lists.min'), `${unseenTask.length} unseen-task prompts`);
  assert.ok(unseenTemplate.length > 200, `${unseenTemplate.length} unseen-template prompts`);
  // Every task with ≥ 3 phrasings has one held out.
  for (const t of TASKS) assert.equal(world.splits.heldOutTemplates.get(t.id)!.size, t.templates >= 3 ? 1 : 0, t.id);
  assert.equal(new Set([...train, ...heldout].map((p) => p.id)).size, 4500, 'ids are unique');
});

test('sampling covers every task and level, honours filters and the mix', () => {
  const prompts = world.sample('heldout', 3000);
  for (const t of TASKS) {
    for (const d of t.difficulties) assert.ok(prompts.some((p) => p.task === t.id && p.difficulty === d), `${t.id} level ${d}`);
  }
  const facts = prompts.filter((p) => p.family === 'facts').length / prompts.length;
  assert.ok(Math.abs(facts - 0.3) < 0.04, `facts share ${facts}`);
  const only = world.sample('train', 200, { tasks: ['strings.reverse'], difficulties: [3] });
  assert.ok(only.every((p) => p.task === 'strings.reverse' && p.difficulty === 3));
  const sys = world.sample('train', 500, { systemRate: 1 });
  for (const p of sys) {
    const constrained = ['facts', 'arithmetic', 'lists'].includes(p.family);
    assert.equal(p.messages[0]!.role === 'system', constrained, p.task);
    assert.equal(p.oracle.constraints.length > 0, constrained);
  }
  assert.throws(() => world.sample('train', 5, { tasks: ['lists.min'] }), ConfigError, 'a held-out task cannot be sampled in train');
});

test('determinism: one seed, one world; another seed, another world', () => {
  const again = createWorld({ seed: 5 });
  assert.deepEqual(again.sample('train', 300, { systemRate: 0.2 }), world.sample('train', 300, { systemRate: 0.2 }));
  assert.deepEqual(again.dialogues('heldout', 3), world.dialogues('heldout', 3));
  assert.deepEqual(again.corpus(100), world.corpus(100));
  // Streams are independent: asking for more never changes what came first.
  assert.deepEqual(world.sample('train', 1000).slice(0, 300), world.sample('train', 300));
  const other = createWorld({ seed: 6 });
  assert.notDeepEqual(other.kb.entities.map((e) => e.name), world.kb.entities.map((e) => e.name));
});

test('config: defaults, and each bad field named', () => {
  assert.deepEqual(parseWorldConfig({}).heldOutTasks, ['lists.min']);
  const bad: [unknown, RegExp][] = [
    [{ seeed: 1 }, /seeed: expected one of seed, size/],
    [{ seed: -1 }, /seed: expected an integer/],
    [{ size: 'huge' }, /size: expected one of small, default/],
    [{ heldOutFraction: 1 }, /heldOutFraction/],
    [{ heldOutTasks: ['lists.median'] }, /heldOutTasks: expected a list of task ids/],
    [{ mix: { facts: -1 } }, /mix\.facts: expected a finite weight/],
    [{ mix: { poetry: 1 } }, /mix\.poetry: expected a family/],
    [[], /expected an object/],
  ];
  for (const [cfg, msg] of bad) assert.throws(() => parseWorldConfig(cfg), (e: unknown) => e instanceof ConfigError && msg.test(e.message), JSON.stringify(cfg));
});
