// Imitation-tuning data formats (recipe §13): the Alpaca templates verbatim and their loss masks, file round
// trips with field-level errors, ShareGPT import (FastChat's rules) and splitting, Orca demonstrations,
// ROUGE-L against hand-computed values and the self-instruct filters, and the pretraining task lists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as T from '../../src/tensor/index.js';
import { ALPACA_PROMPTS, alpacaPrompt, alpacaSequence, readAlpaca } from '../../src/align/data/alpaca.js';
import { readShareGpt, shareGptMessages, splitLongConversation } from '../../src/align/data/sharegpt.js';
import { orcaExamples } from '../../src/align/data/orca.js';
import { normalizeInstruction, rougeL, rougeTokens, screen } from '../../src/align/data/self-instruct.js';
import { taskList, worldPretrainingDocs } from '../../src/align/data/pretraining.js';
import { readChatFile } from '../../src/align/data/sources.js';
import { chatSequence } from '../../src/align/data/sequence.js';
import { formatChat } from '../../src/tokenizer/chat-templates.js';
import { alpacaExample, shareGptConversation, ORCA_SYSTEMS, type Prompt } from '../../src/align/world/index.js';
import { Rng } from '../../src/util/rng.js';
import { worldAndTokenizer } from './fixtures.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'llamats-sft-data-'));

test('Alpaca prompts are stanford_alpaca PROMPT_DICT, character for character', () => {
  assert.equal(alpacaPrompt({ instruction: 'Reverse the word.', input: 'cat' }),
    'Below is an instruction that describes a task, paired with an input that provides further context. Write a response that appropriately completes the request.\n\n### Instruction:\nReverse the word.\n\n### Input:\ncat\n\n### Response:');
  assert.equal(alpacaPrompt({ instruction: 'Say {input}.', input: '' }),
    'Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n### Instruction:\nSay {input}.\n\n### Response:');
  assert.ok(ALPACA_PROMPTS.input.endsWith('### Response:'));
});

test('Alpaca sequence: the whole prompt is IGNORE_INDEX, output + EOS are the targets', () => {
  const { world, tok } = worldAndTokenizer();
  for (const p of world.sample('train', 10)) {
    const ex = alpacaExample(p);
    const s = alpacaSequence(tok, ex);
    const promptLen = tok.encode(alpacaPrompt(ex), { bos: true }).length;
    for (let i = 0; i < promptLen - 1; i++) assert.equal(s.targets[i], T.IGNORE_INDEX);
    const answer = [...s.targets.subarray(promptLen - 1)];
    assert.ok(answer.every((t) => t !== T.IGNORE_INDEX));
    assert.equal(answer.at(-1), tok.eos);
    assert.equal(tok.decode(answer.slice(0, -1)), ex.output);
  }
});

test('Alpaca JSON round trip; a bad record names the file, index and field', () => {
  const { world } = worldAndTokenizer();
  const dir = tmp();
  try {
    const records = world.sample('train', 5).map(alpacaExample);
    const f = join(dir, 'alpaca.json');
    writeFileSync(f, JSON.stringify(records));
    assert.deepEqual(readAlpaca(f), records);
    writeFileSync(f, JSON.stringify([{ instruction: 'x', output: 'y' }, { instruction: 'x', input: 3, output: 'y' }]));
    assert.throws(() => readAlpaca(f), /alpaca\.json: \[1\]\.input: expected a string/);
    writeFileSync(f, JSON.stringify([{ instruction: 'x' }]));
    assert.throws(() => readAlpaca(f), /\[0\]\.output: expected a string/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ShareGPT import: FastChat rules (skip a leading gpt turn, alternate, drop a trailing human turn)', () => {
  const c = (turns: [string, string][]) => ({ id: 'c', conversations: turns.map(([from, value]) => ({ from: from as 'system' | 'human' | 'gpt', value })) });
  assert.deepEqual(shareGptMessages(c([['system', 'S'], ['gpt', 'hello!'], ['human', 'a'], ['gpt', 'b'], ['human', 'c']])), [
    { role: 'system', content: 'S' }, { role: 'user', content: 'a' }, { role: 'assistant', content: 'b' },
  ]);
  assert.equal(shareGptMessages(c([['human', 'a'], ['human', 'b']])), null);
  assert.equal(shareGptMessages(c([['human', 'a']])), null);
});

test('ShareGPT world conversations: every gpt turn is trained; long ones split at turn pairs, system kept', () => {
  const { world, tok } = worldAndTokenizer();
  const ps = world.sample('train', 6, { stream: 'sg' });
  const conv = shareGptConversation('x', ps);
  const messages = shareGptMessages(conv)!;
  const s = chatSequence(tok, messages, 'llama3');
  let runs = 0;
  for (let i = 0; i < s.targets.length; i++) if (s.targets[i] !== T.IGNORE_INDEX && (i === 0 || s.targets[i - 1] === T.IGNORE_INDEX)) runs++;
  assert.equal(runs, 6);
  const whole = formatChat(tok, messages, { template: 'llama3', addGenerationPrompt: false }).ids.length;
  const parts = splitLongConversation(tok, [{ role: 'system', content: 'Be kind.' }, ...messages], Math.ceil(whole / 2), 'llama3');
  assert.ok(parts.length >= 2);
  for (const part of parts) {
    assert.equal(part[0]!.role, 'system');
    assert.ok(formatChat(tok, part, { template: 'llama3', addGenerationPrompt: false }).ids.length <= Math.ceil(whole / 2));
  }
  assert.deepEqual(parts.flatMap((p) => p.slice(1)), messages, 'the pairs, in order, none lost');
  const dir = tmp();
  try {
    const f = join(dir, 'sharegpt.json');
    writeFileSync(f, JSON.stringify([conv]));
    assert.deepEqual(readShareGpt(f), [conv]);
    writeFileSync(f, JSON.stringify([{ id: 'a', conversations: [{ from: 'bot', value: 'x' }] }]));
    assert.throws(() => readShareGpt(f), /\[0\]\.conversations\[0\]\.from: expected system, human or gpt/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Orca: an explanation-demanding system message, answered by the oracle trace or a teacher', () => {
  const { world } = worldAndTokenizer();
  const ps = world.sample('train', 8, { mix: { arithmetic: 1 } });
  const oracle = orcaExamples(ps, new Rng(1));
  oracle.forEach((ex, i) => {
    assert.ok(ORCA_SYSTEMS.some((s) => ex.messages[0]!.content.startsWith(s)));
    assert.equal(ex.messages.at(-1)!.content, ps[i]!.oracle.explanation);
    assert.ok(world.judge(ps[i]!, ex.messages.at(-1)!.content).helpfulness > 0.9);
  });
  const taught = orcaExamples(ps, new Rng(1), (items) => items.map((it) => `teacher: ${it.messages.at(-1)!.content}`));
  taught.forEach((ex, i) => {
    assert.deepEqual(ex.messages.slice(0, -1), oracle[i]!.messages.slice(0, -1));
    assert.equal(ex.messages.at(-1)!.content, `teacher: ${ps[i]!.messages.at(-1)!.content}`);
  });
});

test('ROUGE-L F-measure against hand-computed LCS values', () => {
  assert.deepEqual(rougeTokens('What is 4 + 46?'), ['what', 'is', '4', '46']);
  // LCS(what is 4 46, what is 5 46) = 3 of 4 and 4 → F = 0.75
  assert.equal(rougeL('What is 4 + 46?', 'What is 5 + 46?'), 0.75);
  // "reverse the word cat" vs "spell cat backwards": LCS = "cat" (1); P = 1/4, R = 1/3 → F = 2/7
  assert.ok(Math.abs(rougeL('Reverse the word cat', 'Spell cat backwards') - 2 / 7) < 1e-12);
  assert.equal(rougeL('a b c', 'a b c'), 1);
  assert.equal(rougeL('', 'a'), 0);
});

test('self-instruct screen: length, ROUGE-L ≥ 0.7 against the pool, validity by the world index', () => {
  const p = { id: 'x' } as Prompt;
  const index = new Map([[normalizeInstruction('Which city lies on the river Mellow?'), p]]);
  assert.deepEqual(screen('Hi there', [], index, 0.7), { ok: false, reason: 'badLength' });
  assert.deepEqual(screen('Which city lies on the river Mellow?', ['Which city lies on the river Dibroen?'], index, 0.7), { ok: false, reason: 'tooSimilar' });
  assert.deepEqual(screen('Which  city lies on the river MELLOW?', ['Reverse the word "cat".'], index, 0.7), { ok: true, prompt: p });
  assert.deepEqual(screen('Which city sits beside the sea of Mellow?', [], index, 0.7), { ok: false, reason: 'invalid' });
});

test('pretraining documents: KB prose plus task lists of one-line train requests', () => {
  const { world } = worldAndTokenizer();
  assert.equal(taskList(['a?', 'b?']), 'Come up with a series of tasks:\nTask 1: a?\nTask 2: b?');
  const docs = worldPretrainingDocs(world, { kbDocs: 50, taskLists: 5 });
  assert.equal(docs.filter((d) => d.id.startsWith('world-kb-')).length, 50);
  const lists = docs.filter((d) => d.id.startsWith('world-tasks-'));
  assert.equal(lists.length, 5);
  for (const l of lists) assert.equal(l.text.split('\n').length, 9);
});

test('chat JSONL files (sft.jsonl) read back; a bad row names the line and field', () => {
  const dir = tmp();
  try {
    const f = join(dir, 'sft.jsonl');
    writeFileSync(f, `${JSON.stringify({ id: 'a', messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }] })}\n`);
    assert.deepEqual(readChatFile(f), [[{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }]]);
    writeFileSync(f, `${JSON.stringify({ messages: [{ role: 'user', content: 'q' }] })}\n${JSON.stringify({ messages: [{ role: 'bot', content: 'a' }] })}\n`);
    assert.throws(() => readChatFile(f), /line 2: messages\[0\]\.role: expected system, user or assistant/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
