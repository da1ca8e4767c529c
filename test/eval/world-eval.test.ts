// The judged evaluation harness: prompts in each format, greedy answers equal a full-recompute argmax oracle,
// judging and summaries (gold answers score 1, refusals of safe prompts are false refusals), and the report
// tables (Llama 2 Table 8 layout, win rates).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../src/tensor/index.js';
import { Decoder } from '../../src/model/inference.js';
import { inferenceWeightsOf } from '../../src/model/weights.js';
import { GREEDY, judgeAll, modelPrompt, respond } from '../../src/eval/world-eval.js';
import { metricsTable, rewardAccuracyTable, winRateTable } from '../../src/eval/report.js';
import { accuracyOfScores } from '../../src/align/reward-eval.js';
import { alpacaPrompt } from '../../src/align/data/alpaca.js';
import { formatChat } from '../../src/tokenizer/chat-templates.js';
import { alpacaExample, judge, winRate } from '../../src/align/world/index.js';
import { tinyModel, worldAndTokenizer } from '../align/fixtures.js';

test('prompts: the chat up to the assistant header, or the Alpaca template up to "### Response:"', () => {
  const { world, tok } = worldAndTokenizer();
  const [p] = world.sample('heldout', 1, { systemRate: 1, mix: { facts: 1 } });
  assert.deepEqual(modelPrompt(tok, p!, 'chat', 'llama3'), formatChat(tok, p!.messages, { template: 'llama3', addGenerationPrompt: true }).ids);
  const a = modelPrompt(tok, p!, 'alpaca', 'llama3');
  assert.equal(a[0], tok.bos);
  assert.equal(tok.decode(a.slice(1)), alpacaPrompt(alpacaExample(p!)));
});

test('greedy answers equal an argmax loop that recomputes the whole sequence each step', () => {
  const { world, tok } = worldAndTokenizer();
  const model = tinyModel(tok, 21);
  const decoder = new Decoder(model.config, inferenceWeightsOf(model));
  const prompts = world.sample('heldout', 4);
  const maxTokens = 12;
  const got = respond({ name: 'tiny', decoder, tokenizer: tok, format: 'chat', template: 'llama3' }, prompts, { ...GREEDY, maxTokens, batch: 3 });
  prompts.forEach((p, i) => {
    const ids = modelPrompt(tok, p, 'chat', 'llama3');
    const out: number[] = [];
    while (out.length < maxTokens) {
      const seq = Int32Array.from([...ids, ...out]);
      const logits = T.tidy(() => T.noGrad(() => model.logits(model.hidden(seq, 1, seq.length)).toFloat32Array()));
      const last = logits.subarray((seq.length - 1) * tok.vocabSize);
      let best = 0;
      for (let v = 1; v < last.length; v++) if (last[v]! > last[best]!) best = v;
      if (tok.stopIds.includes(best)) break;
      out.push(best);
    }
    assert.equal(got[i], tok.decode(out), `prompt ${i}`);
  });
});

test('judging: gold answers score as the judge says, refusing a safe prompt is a false refusal', () => {
  const { world } = worldAndTokenizer();
  const prompts = world.sample('heldout', 30);
  const gold = judgeAll(prompts, prompts.map((p) => p.oracle.gold));
  gold.rows.forEach((r, i) => assert.equal(r.helpfulness, judge(prompts[i]!, prompts[i]!.oracle.gold).helpfulness));
  assert.ok(gold.metrics.helpfulness.mean > 0.95);
  assert.equal(gold.metrics.violationRate.rate, 0);
  const refuse = judgeAll(prompts, prompts.map(() => "Sorry, I can't help with that."));
  const safe = prompts.filter((p) => !p.tags.unsafe).length;
  assert.equal(refuse.rows.filter((r) => r.falseRefusal).length, safe);
  assert.equal(refuse.metrics.falseRefusalRate.rate, 1);
  assert.equal(refuse.metrics.n, 30);
});

test('report tables: metrics per model, win / tie / loss, Table 8 layout', () => {
  const { world } = worldAndTokenizer();
  const prompts = world.sample('heldout', 20);
  const a = judgeAll(prompts, prompts.map((p) => p.oracle.gold));
  const b = judgeAll(prompts, prompts.map(() => 'I do not know.'));
  const md = metricsTable([{ name: 'gold', metrics: a.metrics }, { name: 'idk', metrics: b.metrics }]);
  assert.match(md, /\| gold \| 20 \| 1\.000 ± 0\.000 \|/);
  const w = winRate(a.rows.map((r) => r.helpfulness), b.rows.map((r) => r.helpfulness));
  assert.equal(w.win + w.tie + w.loss, 20);
  assert.match(winRateTable([{ a: 'gold', b: 'idk', result: w }]), new RegExp(`\\| gold \\| idk \\| ${w.win} \\| ${w.tie} \\| ${w.loss} \\|`));
  const row = (rating: 'significantly_better' | 'negligibly_better') => ({
    id: 'x', kind: 'helpfulness' as const, promptId: 'p', task: 't', prompt: [], chosen: [{ role: 'assistant' as const, content: 'a' }], rejected: [{ role: 'assistant' as const, content: 'b' }],
    rating, annotator: 0, scores: { chosen: 1, rejected: 0 }, agreesWithJudge: true,
  });
  const e = accuracyOfScores([row('significantly_better'), row('negligibly_better')], [1, 0, 0, 1]);
  assert.match(rewardAccuracyTable([{ name: 'RM', eval: e }]), /\| RM \| 100\.0 \(n 1\) \| 0\.0 \(n 0\) \| 0\.0 \(n 0\) \| 0\.0 \(n 1\) \| 50\.0 ± 69\.3 \|/);
});
