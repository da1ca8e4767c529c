import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyConstraints, checkConstraint, createWorld, instruction, judgeTurn, randomConstraints, shortInstruction, stripDecorations, type Constraint } from '../../../src/align/world/index.js';
import { Rng } from '../../../src/util/rng.js';

// Oracle: hand-labelled responses for each checker.
test('constraint checkers on hand-written answers', () => {
  const cases: [Constraint, string, boolean][] = [
    [{ kind: 'capitals' }, 'THE RIVER IS THE MELLOW.', true],
    [{ kind: 'capitals' }, 'THE RIVER IS THE Mellow.', false],
    [{ kind: 'capitals' }, '2, 5, 9', true], // no letter of the wrong case
    [{ kind: 'capitals' }, '', false],
    [{ kind: 'lowercase' }, 'the river is the mellow.', true],
    [{ kind: 'lowercase' }, 'The river is the mellow.', false],
    [{ kind: 'start_word', word: 'indeed' }, 'Indeed, the river is the Mellow.', true],
    [{ kind: 'start_word', word: 'indeed' }, 'The river, indeed, is the Mellow.', false],
    [{ kind: 'end_word', word: 'friend' }, 'The river is the Mellow, friend.', true],
    [{ kind: 'end_word', word: 'friend' }, 'Friend, the river is the Mellow.', false],
    [{ kind: 'pirate' }, 'Arr, the river is the Mellow.', true],
    [{ kind: 'pirate' }, 'The river is the Mellow, arrr!', true],
    [{ kind: 'pirate' }, 'The river is the Mellow, arrow.', false],
    [{ kind: 'tag', tag: 'ok' }, 'The Mellow [ok]', true],
    [{ kind: 'tag', tag: 'ok' }, 'The Mellow (ok)', false],
  ];
  for (const [c, r, want] of cases) assert.equal(checkConstraint(c, r), want, `${JSON.stringify(c)} on ${JSON.stringify(r)}`);
});

test('applyConstraints satisfies every combination, and stripDecorations undoes it', () => {
  const rng = new Rng(5);
  const answers = ['Zorblat lies on the river Mellow.', 'The answer is 42.', '2, 5, 9', "Sorry, I can't help with poisoning."];
  for (let i = 0; i < 300; i++) {
    const cs = randomConstraints(rng, 1 + rng.int(4));
    assert.ok(!(cs.some((c) => c.kind === 'capitals') && cs.some((c) => c.kind === 'lowercase')), 'capitals and lower case never together');
    assert.equal(new Set(cs.map((c) => c.kind)).size, cs.length);
    const a = rng.pick(answers);
    const r = applyConstraints(cs, a);
    for (const c of cs) assert.ok(checkConstraint(c, r), `${JSON.stringify(c)} on ${JSON.stringify(r)}`);
    // What the judge sees after stripping: the answer, up to case and the full stop an end word replaces.
    assert.equal(stripDecorations(cs, r).toLowerCase().replace(/[.]$/, ''), a.toLowerCase().replace(/[.]$/, ''), JSON.stringify(r));
  }
  assert.equal(applyConstraints([], 'As is.'), 'As is.');
  assert.equal(applyConstraints([{ kind: 'start_word', word: 'indeed' }], 'The river.'), 'Indeed, the river.');
  assert.equal(applyConstraints([{ kind: 'start_word', word: 'indeed' }], 'Zorblat.'), 'Indeed, Zorblat.');
});

test('every constraint has a full and a short instruction (Llama 2 App. A.3.5)', () => {
  const rng = new Rng(1);
  for (const c of randomConstraints(rng, 6)) {
    assert.ok(instruction(c).length > shortInstruction(c).length, JSON.stringify(c));
    if ('word' in c) assert.ok(instruction(c).includes(c.word) && shortInstruction(c).includes(c.word));
    if ('tag' in c) assert.ok(instruction(c).includes(`[${c.tag}]`) && shortInstruction(c).includes(`[${c.tag}]`));
  }
});

test('GAtt dialogues: 20 turns, gold keeps every constraint at every turn, judgeTurn measures adherence', () => {
  const world = createWorld({ size: 'small', seed: 3 });
  const dialogues = world.dialogues('train', 10, { turns: 20 });
  assert.equal(dialogues.length, 10);
  for (const d of dialogues) {
    assert.equal(d.turns.length, 20);
    assert.equal(d.messages.length, 41);
    assert.equal(d.messages[0]!.role, 'system');
    assert.ok(d.instruction === d.fullInstruction || d.instruction === d.shortInstruction);
    assert.ok(d.turns.every((t) => ['facts', 'arithmetic', 'lists'].includes(t.task.split('.')[0]!) && !['facts.two_hop', 'facts.compare', 'arithmetic.word_problem'].includes(t.task)), 'levels 1–2 only');
    for (let t = 0; t < 20; t++) {
      assert.deepEqual(d.messages[1 + 2 * t], { role: 'user', content: d.turns[t]!.user });
      const good = judgeTurn(d, t, d.turns[t]!.gold);
      assert.equal(good.helpfulness, 1, `${d.id} turn ${t}: ${d.turns[t]!.gold} — ${good.details}`);
      assert.ok(good.constraints.every(Boolean));
      // Forgetting the instruction (the failure GAtt fixes) keeps the content but breaks the constraints.
      const forgot = judgeTurn(d, t, d.turns[t]!.plainGold);
      assert.ok(forgot.constraints.some((k) => !k), `${d.id} turn ${t}: ${d.turns[t]!.plainGold}`);
      assert.ok(forgot.helpfulness < 1);
    }
  }
  assert.throws(() => judgeTurn(dialogues[0]!, 20, 'x'), /turn: expected an index in 0\.\.19/);
});
