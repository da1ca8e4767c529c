// Ghost Attention's data construction against hand-built examples: the instruction on every user turn for
// sampling, only in the system message for training, loss only on the last answer of each truncated prefix (its
// end-of-turn token included, every earlier token — assistant ones too — zero), prefix selection, the oracle and
// model-or-oracle answer rules; and the adherence measurement's bookkeeping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildControlData, buildGattData, gattRow, gattStage, measureAdherence, parseGattConfig, prefixTurns, samplingMessages, trainingMessages, withContext } from '../../src/align/gatt.js';
import { MEMORY_IO } from '../../src/align/stage-io.js';
import { formatChat } from '../../src/tokenizer/chat-templates.js';
import { checkConstraint, type Dialogue } from '../../src/align/world/index.js';
import { tinyModel, worldAndTokenizer } from './fixtures.js';

const dialogue: Pick<Dialogue, 'instruction' | 'turns'> = {
  instruction: 'Tag: [ok].',
  turns: [
    { task: 't', user: 'What is 2 + 2?', check: { kind: 'number', value: 4, stepsRequired: 0 }, gold: '4 [ok]', plainGold: '4' },
    { task: 't', user: 'Spell "cat" backwards.', check: { kind: 'text', value: 'tac', caseSensitive: false }, gold: 'tac [ok]', plainGold: 'tac' },
    { task: 't', user: 'What is 3 + 5?', check: { kind: 'number', value: 8, stepsRequired: 0 }, gold: '8 [ok]', plainGold: '8' },
  ],
};

test('sampling messages carry the instruction on every user turn; training messages only in the system turn', () => {
  const answers = ['a1', 'a2', 'a3'];
  assert.deepEqual(samplingMessages(dialogue, answers, 2), [
    { role: 'user', content: 'What is 2 + 2? Tag: [ok].' },
    { role: 'assistant', content: 'a1' },
    { role: 'user', content: 'Spell "cat" backwards. Tag: [ok].' },
    { role: 'assistant', content: 'a2' },
    { role: 'user', content: 'What is 3 + 5? Tag: [ok].' },
  ]);
  assert.deepEqual(trainingMessages(dialogue, answers, 1), [
    { role: 'system', content: 'Tag: [ok].' },
    { role: 'user', content: 'What is 2 + 2?' },
    { role: 'assistant', content: 'a1' },
    { role: 'user', content: 'Spell "cat" backwards.' },
    { role: 'assistant', content: 'a2' },
  ]);
});

test('a GAtt row has loss only on the last answer and its end-of-turn token (hand-built Llama 3 ids)', () => {
  const { tok } = worldAndTokenizer();
  const id = (s: string) => tok.pieceToId(s)!;
  const [bos, sh, eh, eot] = [tok.bos, id('<|start_header_id|>'), id('<|end_header_id|>'), id('<|eot_id|>')];
  const enc = (s: string) => tok.encode(s, { bos: false });
  const msgs = trainingMessages(dialogue, ['4 [ok]', 'tac [ok]'], 1);
  const row = gattRow(tok, msgs, 'llama3');
  const turn = (role: string, text: string) => [sh, ...enc(role), eh, ...enc(`\n\n${text}`), eot];
  const ids = [bos, ...turn('system', 'Tag: [ok].'), ...turn('user', 'What is 2 + 2?'), ...turn('assistant', '4 [ok]'), ...turn('user', 'Spell "cat" backwards.'), ...turn('assistant', 'tac [ok]')];
  assert.deepEqual(row.ids, ids);
  const lastAnswer = enc('tac [ok]');
  const expectedMask = ids.map((_, i) => (i >= ids.length - 1 - lastAnswer.length ? 1 : 0));
  assert.deepEqual(Array.from(row.mask), expectedMask);
  // The first answer ("4 [ok]") is an assistant turn of the same chat, yet carries no loss.
  const full = formatChat(tok, msgs, { template: 'llama3', addGenerationPrompt: false });
  assert.ok(Array.from(full.assistantMask).reduce((a, b) => a + b, 0) > Array.from(row.mask).reduce((a, b) => a + b, 0));
});

test('prefix turns are spread over the dialogue and include the first and last', () => {
  assert.deepEqual(prefixTurns(20, 4), [0, 6, 13, 19]);
  assert.deepEqual(prefixTurns(3, 5), [0, 1, 2]);
  assert.deepEqual(prefixTurns(8, 1), [7]);
  assert.deepEqual(prefixTurns(8, 2), [0, 7]);
});

test('buildGattData: oracle answers give one row per prefix; model-or-oracle keeps only constraint-keeping samples', () => {
  const { tok, world } = worldAndTokenizer();
  const model = tinyModel(tok, 9, 512);
  const ds = world.dialogues('train', 3, { turns: 4 });
  const oracle = buildGattData(parseGattConfig({ answers: 'oracle', turns: 4, prefixesPerDialogue: 2 }), model, tok, ds);
  assert.equal(oracle.rows.length + oracle.droppedTooLong, 6);
  ds.forEach((d, i) => assert.deepEqual(oracle.answers[i], d.turns.slice(0, 4).map((t) => t.gold)));
  for (const r of oracle.rows) {
    const text = tok.decode(r.ids.filter((_, i) => !tok.specialIds.has(r.ids[i]!)));
    const inst = ds.find((d) => text.includes(d.turns[0]!.user))!.instruction;
    assert.equal(text.split(inst).length - 1, 1, 'the instruction appears once, in the system turn');
  }
  const mixed = buildGattData(parseGattConfig({ answers: 'model-or-oracle', turns: 3, prefixesPerDialogue: 3, sampling: { maxTokens: 6 } }), model, tok, ds);
  ds.forEach((d, i) => mixed.answers[i]!.forEach((a) => assert.ok(d.constraints.every((c) => checkConstraint(c, a)), `kept answer ${JSON.stringify(a)}`)));
  assert.ok(mixed.replacedByOracle <= 9);
});

test('measureAdherence: one row per turn, counts the dialogues answered, oracle-following is not assumed', () => {
  const { tok, world } = worldAndTokenizer();
  const model = tinyModel(tok, 10, 512);
  const ds = world.dialogues('heldout', 2, { turns: 3 });
  const rows = measureAdherence(model, tok, ds, 3, 6, 'llama3');
  assert.deepEqual(rows.map((r) => r.turn), [1, 2, 3]);
  for (const r of rows) {
    assert.ok(r.n <= 2);
    assert.ok(r.adherence >= 0 && r.adherence <= 1);
  }
});

test('the no-GAtt control: same prefixes, no instruction anywhere, plain gold answers; gattStage measures start, control and GAtt', () => {
  const { tok, world } = worldAndTokenizer();
  const model = tinyModel(tok, 12, 256);
  const ds = world.dialogues('train', 2, { turns: 3 });
  const cfg = parseGattConfig({ answers: 'oracle', turns: 3, prefixesPerDialogue: 2, evalTurns: 2, sampling: { maxTokens: 4 }, contextLength: 640 });
  const rows = buildControlData(cfg, model, tok, ds);
  assert.equal(rows.length, 4);
  for (const r of rows) {
    const text = tok.decode(r.ids.filter((id) => !tok.specialIds.has(id)));
    assert.ok(!ds.some((d) => text.includes(d.instruction)), 'no instruction');
    assert.ok(!text.startsWith('system'), 'no system turn');
  }
  const scored = tok.decode(rows[0]!.ids.filter((_, i) => rows[0]!.mask[i] && !tok.specialIds.has(rows[0]!.ids[i]!)));
  assert.equal(scored, ds[0]!.turns[0]!.plainGold);
  const calls: number[] = [];
  const res = gattStage(cfg, model, tok, ds, world.dialogues('heldout', 2, { turns: 2 }), (m, rs) => { calls.push(rs.length); return m.config.maxSeqLen; }, MEMORY_IO);
  assert.deepEqual(calls, [4, 4], 'control then GAtt, same number of rows');
  assert.equal(res.model.config.maxSeqLen, 640, 'the stage raised the context');
  assert.equal(res.model.params, model.params, 'a view over the same parameters');
  assert.equal(res.before.length, 2);
  assert.equal(res.control!.length, 2);
  assert.equal(res.after.length, 2);
  assert.equal(withContext(model, 100), model);
});
