// Sequence.step driven with scripted logits (one token forced per step), so the streaming text, UTF-8 across
// tokens and the stop rules are checked token by token against hand-worked expectations with the real
// Llama 2 and Llama 3 vocabularies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sequence } from '../../src/generate/sequence.js';
import { generateOptions, type GenerateOptions } from '../../src/generate/options.js';
import type { Tokenizer } from '../../src/tokenizer/types.js';
import { llama2Tokenizer, llama3Tokenizer } from './fixtures.js';

/** Logits that make `id` the greedy choice. */
function forcing(vocab: number, id: number): Float32Array {
  const l = new Float32Array(vocab);
  l[id] = 10;
  return l;
}

function script(tok: Tokenizer, ids: number[], opts: Partial<GenerateOptions> = {}, maxTokens = 100) {
  const seq = new Sequence(tok, [tok.bos], generateOptions({ temperature: 0, ...opts }), maxTokens);
  const steps = [];
  for (const id of ids) {
    const s = seq.step(forcing(tok.vocabSize, id));
    steps.push(s);
    if (s.finishReason) break;
  }
  return { seq, texts: steps.map((s) => s.text), finish: steps.at(-1)!.finishReason };
}

test('Llama 2 byte-fallback tokens: a character split over three tokens appears when its last byte arrives', () => {
  const tok = llama2Tokenizer();
  const byte = (b: number) => tok.pieceToId(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`)!;
  const hello = tok.encode('Hello');
  // € = E2 82 AC
  const { texts, finish } = script(tok, [...hello, byte(0xe2), byte(0x82), byte(0xac), tok.eos]);
  assert.deepEqual(texts, ['Hello', '', '', '€', '']);
  assert.equal(finish, 'stop');
});

test('Llama 3 byte-level tokens: split multi-byte characters are held, and EOT ends with no text', () => {
  const tok = llama3Tokenizer();
  // The single-byte tokens of the byte-level vocabulary that split "é" (C3 A9).
  const A = tok.encode('A')[0]!;
  const c3 = tok.vocab.kind === 'bpe' ? tok.vocab.tokens.findIndex((t) => t.length === 1 && t[0] === 0xc3) : -1;
  const a9 = tok.vocab.kind === 'bpe' ? tok.vocab.tokens.findIndex((t) => t.length === 1 && t[0] === 0xa9) : -1;
  assert.ok(c3 >= 0 && a9 >= 0);
  const eot = tok.pieceToId('<|eot_id|>')!;
  const { texts, finish, seq } = script(tok, [A, c3, a9, eot]);
  assert.deepEqual(texts, ['A', '', 'é', '']);
  assert.equal(finish, 'stop');
  assert.equal(seq.text, 'Aé');
  assert.deepEqual(seq.tokens, [A, c3, a9, eot]);
});

test('Llama 3 stop ids: <|eot_id|> and <|end_of_text|> end generation by default (recipe §3)', () => {
  const tok = llama3Tokenizer();
  assert.ok(tok.stopIds.includes(128009) && tok.stopIds.includes(128001));
  const a = tok.encode('a');
  assert.equal(script(tok, [...a, 128001, ...a]).finish, 'stop');
  assert.equal(script(tok, [...a, 128009, ...a]).texts.length, 2);
  // With explicit stop ids, only those stop.
  const custom = script(tok, [...a, 128009, ...a, ...a], { stopIds: [] }, 4);
  assert.equal(custom.finish, 'length');
  assert.equal(custom.texts.length, 4);
});

test('max tokens cut a character in half: the held bytes come out as U+FFFD with finish "length"', () => {
  const tok = llama2Tokenizer();
  const byte = (b: number) => tok.pieceToId(`<0x${b.toString(16).toUpperCase()}>`)!;
  const { texts, finish } = script(tok, [...tok.encode('Hi'), byte(0xe2), byte(0x82)], {}, 3);
  assert.deepEqual(texts, ['Hi', '', '\uFFFD']);
  assert.equal(finish, 'length');
});

test('stop strings across token boundaries: the text before is released, the stop string is not', () => {
  const tok = llama2Tokenizer();
  const ids = tok.encode('The answer is 42. User: more');
  const { seq, finish } = script(tok, ids, { stop: ['User:'] });
  assert.equal(finish, 'stop');
  assert.equal(seq.text, 'The answer is 42. ');
  // Generation stopped at the token that completed the stop string.
  assert.ok(tok.decode(seq.tokens).includes('User:'));
  assert.ok(!tok.decode(seq.tokens.slice(0, -1)).includes('User:'));
});

test('the streamed deltas concatenate to decode(tokens)', () => {
  const tok = llama2Tokenizer();
  const ids = tok.encode('naïve café — 日本語 🦙 ok');
  const { texts, seq } = script(tok, ids, {}, ids.length);
  assert.equal(texts.join(''), tok.decode(ids));
  assert.equal(seq.finishReason, 'length');
});
