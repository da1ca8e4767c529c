// sequenceLogProbs against a brute-force oracle (full logits, float64 log-softmax), the chat-row masks (format
// tokens and the prompt contribute nothing) and the gradient path (a token seen only where nothing is scored gets
// exactly zero gradient; the scored path gets a nonzero one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/tensor/index.js';
import { collateSequences, rowSums, sequenceLogProbs, splitRows } from '../../src/align/policy-logprobs.js';
import { lastRunMask, promptIds, responseRow } from '../../src/align/chat-rows.js';
import { formatChat } from '../../src/tokenizer/chat-templates.js';
import { tinyModel, worldAndTokenizer } from './fixtures.js';

/** Σ over scored tokens of log softmax(logits)[target], from the full [R, T, V] logits in float64. */
function bruteForce(model: ReturnType<typeof tinyModel>, seqs: { ids: readonly number[]; mask: ArrayLike<number> }[]): number[] {
  return seqs.map((s) => T.tidy(() => T.noGrad(() => {
    const n = s.ids.length;
    const logits = model.logits(model.hidden(Int32Array.from(s.ids), 1, n)).toFloat32Array();
    const V = model.config.vocabSize;
    let total = 0;
    for (let i = 1; i < n; i++) {
      if (!s.mask[i]) continue;
      const row = logits.subarray((i - 1) * V, i * V);
      let max = -Infinity;
      for (const v of row) max = Math.max(max, v);
      let z = 0;
      for (const v of row) z += Math.exp(v - max);
      total += row[s.ids[i]!]! - max - Math.log(z);
    }
    return total;
  })));
}

test('collateSequences pads, lists scored tokens in row order and points at the predicting position', () => {
  const b = collateSequences([{ ids: [5, 6, 7], mask: [0, 1, 1] }, { ids: [8, 9, 10, 11, 12], mask: [0, 0, 0, 1, 0] }]);
  assert.equal(b.R, 2);
  assert.equal(b.T, 5);
  assert.deepEqual([...b.tokens], [5, 6, 7, 0, 0, 8, 9, 10, 11, 12]);
  assert.deepEqual([...b.positions], [0, 1, 7]);
  assert.deepEqual([...b.targets], [6, 7, 11]);
  assert.deepEqual([...b.rows], [0, 0, 1]);
  assert.deepEqual([...b.counts], [2, 1]);
  assert.throws(() => collateSequences([{ ids: [1, 2], mask: [1, 1] }]), /nothing predicts it/);
  assert.throws(() => collateSequences([{ ids: [1, 2], mask: [0] }]), /one per id/);
});

test('sequenceLogProbs equals the full-logits float64 oracle, padded rows included', () => {
  const { tok, world } = worldAndTokenizer();
  const model = tinyModel(tok, 3);
  const prompts = world.sample('train', 3);
  const seqs = prompts.map((p, i) => responseRow(tok, p.messages, i === 1 ? 'short' : p.oracle.gold));
  const got = T.tidy(() => T.noGrad(() => sequenceLogProbs(model, collateSequences(seqs)).sums.toFloat32Array()));
  const want = bruteForce(model, seqs);
  for (let i = 0; i < seqs.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) < 1e-3 * Math.max(1, Math.abs(want[i]!)), `row ${i}: ${got[i]} vs ${want[i]}`);
  // perToken split back into rows sums to the same values.
  const per = T.tidy(() => T.noGrad(() => {
    const b = collateSequences(seqs);
    return splitRows(sequenceLogProbs(model, b).perToken.toFloat32Array(), b.counts);
  }));
  per.forEach((r, i) => assert.ok(Math.abs(r.reduce((a, x) => a + x, 0) - got[i]!) < 1e-3));
});

test('chat rows score the final answer only, without headers or <|eot_id|> (Llama 3 §4.1.4)', () => {
  const { tok } = worldAndTokenizer();
  const eot = tok.pieceToId('<|eot_id|>')!;
  const prompt = [{ role: 'system' as const, content: 'Tag: [ok].' }, { role: 'user' as const, content: 'What is 2 + 3?' }, { role: 'assistant' as const, content: 'five' }, { role: 'user' as const, content: 'And 4 + 4?' }];
  const row = responseRow(tok, prompt, 'It is 8.', { template: 'llama3' });
  const answerIds = tok.encode('It is 8.', { bos: false });
  const scored = row.ids.filter((_, i) => row.mask[i]);
  assert.deepEqual(scored, answerIds, 'exactly the answer text is scored');
  // The prompt formatted with the generation header is a prefix, and the row ends with <|eot_id|>, unscored.
  const p = promptIds(tok, prompt, 'llama3');
  assert.deepEqual(row.ids.slice(0, p.length), p);
  assert.equal(row.ids.at(-1), eot);
  assert.equal(row.mask[row.ids.length - 1], 0);
  // Without format masking the terminator is scored too (what SFT trains on).
  const withEot = responseRow(tok, prompt, 'It is 8.', { template: 'llama3', maskFormat: false });
  assert.deepEqual(withEot.ids.filter((_, i) => withEot.mask[i]), [...answerIds, eot]);
  // The earlier assistant turn ("five") is never scored.
  const full = formatChat(tok, [...prompt, { role: 'assistant', content: 'It is 8.' }], { template: 'llama3', addGenerationPrompt: false });
  const count = (m: ArrayLike<number>) => Array.from(m).reduce((a, b) => a + b, 0);
  assert.equal(count(full.assistantMask), count(withEot.mask) + tok.encode('five', { bos: false }).length + 1, 'formatChat marks both turns; the row only the last');
  assert.deepEqual([...lastRunMask(Uint8Array.from([0, 1, 1, 0, 0, 1, 1, 0]))], [0, 0, 0, 0, 0, 1, 1, 0]);
});

test('a masked token contributes nothing: changing it leaves the sums unchanged and its embedding gets zero gradient', () => {
  const { tok, world } = worldAndTokenizer();
  const model = tinyModel(tok, 5);
  const p = world.sample('train', 1)[0]!;
  const row = responseRow(tok, p.messages, p.oracle.gold, { template: 'llama3' });
  const last = row.ids.length - 1; // <|eot_id|>, masked
  const other = { ids: [...row.ids.slice(0, last), tok.eos], mask: row.mask };
  const [a, b] = T.tidy(() => T.noGrad(() => sequenceLogProbs(model, collateSequences([row, other])).sums.toFloat32Array()));
  assert.equal(a, b);
  // Gradient: the input embedding of the final token only feeds the prediction after it, which is not scored
  // (an off-by-one in the predicting positions would score it).
  const end = other.ids[last]!;
  assert.equal(other.ids.indexOf(end), last, 'the final token appears once');
  model.params.zeroGrad();
  T.tidy(() => T.backward(T.sum(sequenceLogProbs(model, collateSequences([other])).sums)));
  const emb = model.tokEmbeddings.grad!.data;
  const C = model.config.dim;
  const rowGrad = (id: number) => emb.subarray(id * C, (id + 1) * C);
  assert.ok(rowGrad(end).every((g) => g === 0), 'no gradient reaches the masked final token');
  const firstScored = Array.from(row.mask).indexOf(1);
  const firstAnswer = row.ids[firstScored]!;
  assert.ok(rowGrad(firstAnswer).some((g) => g !== 0) || rowGrad(row.ids[firstScored - 1]!).some((g) => g !== 0), 'the scored path has a gradient');
});

test('rowSums: segment sums and their gradient (finite differences)', () => {
  T.tidy(() => {
    const x = T.tensor([1, 2, 3, 4, 5]);
    x.requiresGrad = true;
    const rows = Int32Array.from([0, 0, 2, 2, 2]);
    const s = rowSums(x, rows, 3);
    assert.deepEqual([...s.toFloat32Array()], [3, 0, 12]);
    T.backward(T.sum(T.mul(s, T.tensor([1, 10, 100]))));
    assert.deepEqual([...x.grad!.toFloat32Array()], [1, 1, 100, 100, 100]);
  });
});
