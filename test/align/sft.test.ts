// SFT: answer-only targets (one and many assistant turns), packing with document masks, the loss-mask property
// (a position whose target is not an answer token gets exactly zero gradient), the loss against a float64
// full-logits oracle, packed = separate (document masking), and a short run that lowers the held-out loss.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/tensor/index.js';
import { chatSequence, completionSequence, countTargets, maskedSequence, type LossSequence } from '../../src/align/data/sequence.js';
import { packSequences } from '../../src/align/collate.js';
import { heldOutLoss, parseSftStage, sftLoss, sftLossFromLogits, sftStage, sftSteps } from '../../src/align/sft.js';
import { formatChat } from '../../src/tokenizer/chat-templates.js';
import { Rng } from '../../src/util/rng.js';
import { sftExample } from '../../src/align/world/index.js';
import { tinyModel, worldAndTokenizer } from './fixtures.js';

const IGNORE = T.IGNORE_INDEX;

/** Runs of consecutive target positions, decoded (the text the model is trained to write). */
function targetRuns(tok: ReturnType<typeof worldAndTokenizer>['tok'], s: LossSequence): number[][] {
  const runs: number[][] = [];
  let cur: number[] | null = null;
  for (let i = 0; i < s.targets.length; i++) {
    if (s.targets[i] === IGNORE) { cur = null; continue; }
    if (!cur) runs.push((cur = []));
    cur.push(s.targets[i]!);
  }
  return runs;
}

test('maskedSequence shifts ids into inputs and keeps only answer tokens as targets', () => {
  const s = maskedSequence([1, 2, 3, 4, 5], [0, 0, 1, 1, 0]);
  assert.deepEqual([...s.tokens], [1, 2, 3, 4]);
  assert.deepEqual([...s.targets], [IGNORE, 3, 4, IGNORE]);
  assert.throws(() => maskedSequence([1, 2], [1]), /one per id/);
});

test('chat sequence: the targets are exactly the answer and its <|eot_id|>', () => {
  const { world, tok } = worldAndTokenizer();
  const eot = tok.pieceToId('<|eot_id|>')!;
  for (const p of world.sample('train', 20, { systemRate: 0.5 })) {
    const messages = sftExample(p).messages;
    const s = chatSequence(tok, messages, 'llama3');
    const f = formatChat(tok, messages, { template: 'llama3', addGenerationPrompt: false });
    assert.equal(s.tokens.length, f.ids.length - 1);
    const runs = targetRuns(tok, s);
    assert.equal(runs.length, 1, 'one assistant turn → one run of targets');
    const run = runs[0]!;
    assert.equal(run.at(-1), eot, 'the closing <|eot_id|> is a target (the model learns to stop)');
    assert.equal(tok.decode(run.slice(0, -1)), p.oracle.gold.trim());
    // Every target follows its input: targets[i] = ids[i + 1].
    for (let i = 0; i < s.targets.length; i++) if (s.targets[i] !== IGNORE) assert.equal(s.targets[i], f.ids[i + 1]);
    // No prompt token (system, user, headers) is ever a target.
    assert.equal(countTargets(s.targets), [...f.assistantMask].reduce((a, b) => a + b, 0));
  }
});

test('multi-turn chat: every assistant turn is a target, no user turn is', () => {
  const { world, tok } = worldAndTokenizer();
  const ps = world.sample('train', 3);
  const messages = [{ role: 'system' as const, content: 'Be brief.' }, ...ps.flatMap((p) => [{ role: 'user' as const, content: p.messages.at(-1)!.content }, { role: 'assistant' as const, content: p.oracle.plainGold }])];
  const runs = targetRuns(tok, chatSequence(tok, messages, 'llama3'));
  assert.equal(runs.length, 3);
  runs.forEach((r, i) => assert.equal(tok.decode(r.slice(0, -1)), ps[i]!.oracle.plainGold.trim()));
});

test('completion sequence (Alpaca): prompt labels ignored, output + EOS are the targets', () => {
  const { tok } = worldAndTokenizer();
  const s = completionSequence(tok, '### Instruction:\nSay hi.\n\n### Response:', 'hi there');
  const runs = targetRuns(tok, s);
  assert.equal(runs.length, 1);
  assert.equal(runs[0]!.at(-1), tok.eos);
  assert.equal(tok.decode(runs[0]!.slice(0, -1)), 'hi there');
  assert.equal(s.tokens[0], tok.bos);
});

test('packing: whole sequences, first fit, positions and segments restart, every target exactly once', () => {
  const rng = new Rng(5);
  const seqs: LossSequence[] = Array.from({ length: 40 }, (_, k) => {
    const n = 1 + rng.int(30);
    return { tokens: Int32Array.from({ length: n }, (_, i) => 1000 * k + i), targets: Int32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? IGNORE : 1000 * k + i + 1)) };
  });
  const T_ = 32;
  const batches = packSequences(seqs, T_, 3);
  const seen = new Map<number, number[]>();
  for (const b of batches) {
    assert.ok(b.B <= 3);
    for (let r = 0; r < b.B; r++) {
      for (let t = 0; t < T_; t++) {
        const o = r * T_ + t;
        const tok = b.tokens[o]!;
        if (t > 0 && b.segIds[o] === b.segIds[o - 1]) assert.equal(b.positions[o], b.positions[o - 1]! + 1);
        else assert.equal(b.positions[o], 0, 'a segment starts at position 0');
        if (b.targets[o] !== IGNORE) {
          const k = Math.floor(b.targets[o]! / 1000);
          seen.set(k, [...(seen.get(k) ?? []), b.targets[o]!]);
          assert.equal(b.targets[o], tok + 1, 'target beside its own input');
        }
      }
    }
  }
  seqs.forEach((s, k) => assert.deepEqual(seen.get(k) ?? [], [...s.targets].filter((x) => x !== IGNORE), `sequence ${k}`));
  assert.throws(() => packSequences([{ tokens: new Int32Array(33), targets: new Int32Array(33) }], 32, 1), /at most 32 tokens/);
});

test('loss mask: positions whose target is not an answer token get exactly zero gradient', () => {
  const { world, tok } = worldAndTokenizer();
  const model = tinyModel(tok, 2);
  const seqs = world.sample('train', 6, { systemRate: 0.5 }).map((p) => chatSequence(tok, sftExample(p).messages, 'llama3'));
  const [b] = packSequences(seqs, 192, 8);
  const V = tok.vocabSize;
  const logitsData = T.tidy(() => T.noGrad(() => model.logits(model.hidden(b!.tokens, b!.B, b!.T, { positions: b!.positions, segIds: b!.segIds })).toFloat32Array()));
  const logits = T.wrap(logitsData, [b!.B, b!.T, V]);
  logits.requiresGrad = true;
  T.tidy(() => T.backward(sftLossFromLogits(logits, b!.targets, countTargets(b!.targets))));
  const g = logits.grad!.data;
  let answers = 0;
  for (let i = 0; i < b!.B * b!.T; i++) {
    const row = g.subarray(i * V, (i + 1) * V);
    const norm = row.reduce((a, x) => a + Math.abs(x), 0);
    if (b!.targets[i] === IGNORE) assert.equal(norm, 0, `position ${i} (prompt, header or padding) has gradient ${norm}`);
    else {
      answers++;
      assert.ok(norm > 0, `answer position ${i} has no gradient`);
    }
  }
  assert.ok(answers > 10);
});

test('sftLoss = mean over answer targets of −log softmax, by a float64 oracle on the full logits', () => {
  const { world, tok } = worldAndTokenizer();
  const model = tinyModel(tok, 4);
  const seqs = world.sample('train', 5).map((p) => chatSequence(tok, sftExample(p).messages, 'llama3'));
  const [b] = packSequences(seqs, 192, 8);
  const n = countTargets(b!.targets);
  const got = T.tidy(() => T.noGrad(() => sftLoss(model, b!, n).item()));
  const V = tok.vocabSize;
  let nll = 0;
  for (const s of seqs) {
    const logits = T.tidy(() => T.noGrad(() => model.logits(model.hidden(s.tokens, 1, s.tokens.length)).toFloat32Array()));
    for (let i = 0; i < s.tokens.length; i++) {
      if (s.targets[i] === IGNORE) continue;
      const row = logits.subarray(i * V, (i + 1) * V);
      const max = Math.max(...row);
      let z = 0;
      for (const v of row) z += Math.exp(v - max);
      nll += -(row[s.targets[i]!]! - max - Math.log(z));
    }
  }
  assert.ok(Math.abs(got - nll / n) < 1e-4 * (nll / n), `${got} vs ${nll / n}`);
});

test('document masking: a packed row scores each example exactly as it would alone', () => {
  const { world, tok } = worldAndTokenizer();
  const model = tinyModel(tok, 5);
  const seqs = world.sample('train', 12).map((p) => chatSequence(tok, sftExample(p).messages, 'llama3'))
    .sort((a, b) => a.tokens.length - b.tokens.length).slice(0, 3);
  const batches = packSequences(seqs, 192, 8);
  const packed = batches[0];
  assert.ok(batches.length === 1 && packed!.B === 1, `the three shortest fit one row (${seqs.map((s) => s.tokens.length)})`);
  const together = T.tidy(() => T.noGrad(() => sftLoss(model, packed!, 1).item()));
  const alone = seqs.reduce((a, s) => a + T.tidy(() => T.noGrad(() => sftLoss(model, { B: 1, T: s.tokens.length, tokens: s.tokens, targets: s.targets, segIds: new Int32Array(s.tokens.length), positions: Int32Array.from(s.tokens, (_, i) => i) }, 1).item())), 0);
  assert.ok(Math.abs(together - alone) < 1e-4 * alone, `${together} vs ${alone}`);
});

test('steps per epoch are fixed by packing; epochs never share a step', () => {
  const seqs: LossSequence[] = Array.from({ length: 10 }, () => ({ tokens: new Int32Array(20), targets: new Int32Array(20) }));
  // 20-token sequences, 3 per 64-token row, rows of 2 per step: 4 rows per epoch → 2 steps per epoch.
  assert.equal(sftSteps(seqs, { epochs: 3, seqLen: 64, rowsPerStep: 2, seed: 1 }).length, 6);
});

test('a short SFT run lowers the held-out answer loss (and drops examples longer than a row)', () => {
  const { world, tok } = worldAndTokenizer();
  const model = tinyModel(tok, 7);
  const train = world.sample('train', 32, { stream: 't' }).map((p) => chatSequence(tok, sftExample(p).messages, 'llama3'));
  const val = world.sample('train', 16, { stream: 'v' }).map((p) => chatSequence(tok, sftExample(p).messages, 'llama3'));
  const long = { tokens: new Int32Array(500), targets: new Int32Array(500).fill(IGNORE) };
  const cfg = parseSftStage({ epochs: 2, rowsPerStep: 2, optim: { lr: 1e-2 }, evalEvery: 100 });
  const r = sftStage(cfg, model, [...train, long], val, { out: null, quiet: true });
  assert.equal(r.dropped, 1);
  assert.equal(r.examples, 32);
  const after = heldOutLoss(model, packSequences(val, 192, 4));
  assert.ok(after < r.valLossBefore - 0.5, `held-out answer loss ${r.valLossBefore} → ${after}`);
  assert.equal(r.losses.length, r.steps);
});
