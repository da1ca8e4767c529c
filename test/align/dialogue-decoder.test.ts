// The multi-turn decoder against the plain batched generator: greedy answers with caches kept across turns equal
// generateBatch's greedy answers to the fully re-rendered prompts, turn after turn; prompts that do not fit give null.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decoder } from '../../src/model/inference.js';
import { inferenceWeightsOf } from '../../src/model/weights.js';
import { DialogueDecoder } from '../../src/align/dialogue-decoder.js';
import { greedyAnswers } from '../../src/align/sampling.js';
import { promptIds } from '../../src/align/chat-rows.js';
import type { Message } from '../../src/align/world/index.js';
import { tinyModel, worldAndTokenizer } from './fixtures.js';

test('greedy multi-turn answers with kept caches equal re-prefilled greedy answers', () => {
  const { tok, world } = worldAndTokenizer();
  const model = tinyModel(tok, 41, 512);
  for (let i = 0; i < model.output.data.length; i++) model.output.data[i]! *= 8; // peaked, so chats end early
  const ds = world.dialogues('heldout', 3, { turns: 3 });
  const chats = new DialogueDecoder(new Decoder(model.config, inferenceWeightsOf(model)), tok, ds.length);
  const hist: Message[][] = ds.map((d) => [{ role: 'system', content: d.instruction }]);
  for (let t = 0; t < 3; t++) {
    ds.forEach((d, i) => hist[i]!.push({ role: 'user', content: d.turns[t]!.user }));
    const got = chats.answer(hist.map((h) => promptIds(tok, h, 'llama3')), 10);
    const want = greedyAnswers(model, tok, hist, 10, 'llama3');
    assert.deepEqual(got, want, `turn ${t + 1}`);
    assert.ok(got.some((a) => a !== null && a.length > 0), 'non-empty answers');
    got.forEach((a, i) => hist[i]!.push({ role: 'assistant', content: a! }));
  }
  const tooLong = new DialogueDecoder(new Decoder(model.config, inferenceWeightsOf(model)), tok, 1, 16);
  assert.deepEqual(tooLong.answer([promptIds(tok, hist[0]!, 'llama3')], 4), [null]);
});
