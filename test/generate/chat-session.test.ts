// ChatSession: history re-rendered through the template each turn, KV-cache prefix reuse between turns, and
// context-window management (oldest exchanges dropped, system prompt kept).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatSession } from '../../src/generate/chat-session.js';
import { formatChat } from '../../src/tokenizer/chat-templates.js';
import type { Decoder } from '../../src/model/inference.js';
import { llama2Tokenizer, llama3Tokenizer, tinyDecoder } from './fixtures.js';

/** Counts the tokens the decoder actually runs. */
function counting(decoder: Decoder): { decoder: Decoder; ran: () => number } {
  let n = 0;
  const forward = decoder.forward.bind(decoder);
  decoder.forward = (tokens, cache, all) => {
    n += tokens.length;
    return forward(tokens, cache, all);
  };
  return { decoder, ran: () => n };
}

async function reply(s: ChatSession, text: string): Promise<string> {
  let out = '';
  for await (const step of s.send(text)) out += step.text;
  return out;
}

test('each turn sends the whole history through the template, and only the new tokens are run', async () => {
  const tok = llama3Tokenizer();
  const { decoder, ran } = counting(tinyDecoder(tok.vocabSize, 2, { maxSeqLen: 512, sharpen: 20 }));
  const s = new ChatSession(decoder, tok, { system: 'Be kind.', generation: { maxTokens: 6, temperature: 0, stopIds: [] } });
  const a1 = await reply(s, 'Hi there');
  assert.deepEqual(s.history, [{ role: 'user', content: 'Hi there' }, { role: 'assistant', content: a1 }]);
  const first = formatChat(tok, [{ role: 'system', content: 'Be kind.' }, { role: 'user', content: 'Hi there' }]).ids;
  assert.equal(ran(), first.length + 5); // the prompt, then 5 of the 6 answer tokens (the last is never run)
  const before = ran();
  await reply(s, 'How are you?');
  const second = formatChat(tok, [{ role: 'system', content: 'Be kind.' }, { role: 'user', content: 'Hi there' }, { role: 'assistant', content: a1 }, { role: 'user', content: 'How are you?' }]).ids;
  assert.deepEqual(s.lastPrompt, second);
  const secondRun = ran() - before - 5;
  // The first prompt is a prefix of the second one: at least that much came from the cache.
  assert.ok(secondRun <= second.length - first.length, `ran ${secondRun} prompt tokens of ${second.length}`);
  assert.ok(secondRun >= 1);
});

test('the answer matches a fresh generation over the same prompt (prefix reuse changes nothing)', async () => {
  const tok = llama2Tokenizer();
  const decoder = tinyDecoder(tok.vocabSize, 4, { maxSeqLen: 256, sharpen: 30 });
  const gen = { maxTokens: 8, temperature: 0, stopIds: [] };
  const s = new ChatSession(decoder, tok, { generation: gen });
  await reply(s, 'One');
  const second = await reply(s, 'Two');
  const fresh = new ChatSession(decoder, tok, { generation: gen });
  fresh.history = s.history.slice(0, 2);
  const again = await reply(fresh, 'Two');
  assert.equal(again, second);
});

test('when the history outgrows the context, the oldest exchanges go and the system prompt stays', async () => {
  const tok = llama2Tokenizer();
  const decoder = tinyDecoder(tok.vocabSize, 5, { maxSeqLen: 128 });
  const s = new ChatSession(decoder, tok, { system: 'SYSTEM PROMPT', generation: { maxTokens: 16, temperature: 0, stopIds: [] } });
  for (let i = 0; i < 6; i++) await reply(s, `message number ${i} with some words to fill the window`);
  assert.ok(s.dropped > 0, 'some exchanges were dropped');
  assert.equal(s.history.length % 2, 0);
  assert.equal(s.history.at(-2)!.content, 'message number 5 with some words to fill the window');
  assert.equal(s.history[0]!.role, 'user');
  const prompt = s.lastPrompt;
  assert.ok(prompt.length <= 128 - 16);
  assert.ok(tok.decode(prompt).includes('SYSTEM PROMPT'));
  // A single message that cannot fit is an error, and the history is left as it was.
  const kept = s.history.length;
  await assert.rejects(reply(s, 'word '.repeat(200)), /at most \d+ tokens/);
  assert.equal(s.history.length, kept);
  s.reset();
  assert.deepEqual(s.history, []);
});
