// The end-to-end recipe in its quick variant (issue 10: "a quick end-to-end recipe run in CI"), and its
// reproducibility: the same seed gives the same report numbers. Slow (minutes): runs with LLAMATS_SLOW=1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { loadInferenceModel } from '../../src/model/load.js';

const slow = process.env.LLAMATS_SLOW === '1';
const dir = mkdtempSync(join(tmpdir(), 'llamats-recipe-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const stageResults = (out: string) => {
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { stages: { stage: string }[] };
  return Object.fromEntries(summary.stages.map((s) => [s.stage, JSON.parse(readFileSync(join(out, s.stage, 'stage.json'), 'utf8')).result]));
};

test('npm start --quick: every stage runs, the report and exports are written, the chat model loads', { skip: !slow && 'set LLAMATS_SLOW=1 (several minutes)', timeout: 30 * 60_000 }, () => {
  const out = join(dir, 'a');
  const r = runCli(['start', '--quick', '--out', out]);
  assert.equal(r.code, 0, r.stderr.slice(-3000));
  const result = JSON.parse(r.stdout) as { report: string; chatModel: string; exports: string[] };
  const html = readFileSync(result.report, 'utf8');
  for (const heading of ['Pretraining', 'Supervised fine-tuning', 'reward model', 'Rejection sampling', 'DPO', 'PPO', 'Ghost Attention', 'win rates']) {
    assert.ok(html.includes(heading), `report has a section on ${heading}`);
  }
  assert.ok(html.includes('<svg'), 'report holds the plots');
  for (const f of result.exports) assert.ok(existsSync(f), f);
  const m = loadInferenceModel(result.chatModel);
  assert.ok(m.tokenizer, 'the chat model carries its tokenizer');
  // A second start reuses every remembered stage: no stage record is rewritten.
  const stamps = () => Object.keys(stageResults(out)).map((s) => statSync(join(out, s, 'stage.json')).mtimeMs);
  const before = stamps();
  const again = runCli(['start', '--quick', '--out', out]);
  assert.equal(again.code, 0, again.stderr.slice(-2000));
  assert.deepEqual(stamps(), before);
  // Reproducible: a fresh run with the same seed gives the same numbers in every stage summary (timings aside).
  const out2 = join(dir, 'b');
  assert.equal(runCli(['start', '--quick', '--out', out2]).code, 0);
  const strip = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (k, x) => (/seconds|^out$|path|model$|^base$|policy|file|folder|report|files|from|scorer|exported/i.test(k) ? undefined : x)));
  const a = stageResults(out), b = stageResults(out2);
  for (const stage of Object.keys(a)) assert.deepEqual(strip(b[stage]), strip(a[stage]), `stage ${stage} reproduces`);
  // A changed setting of one stage re-runs that stage and what reads it (the keys hold each stage's resolved
  // config), and nothing upstream; last, since it changes run a.
  const cfgFile = join(dir, 'ppo-change.json');
  writeFileSync(cfgFile, JSON.stringify({ ppo: { stage: { optim: { lr: 1e-5 } } } }));
  const stamp = (s: string) => statSync(join(out, s, 'stage.json')).mtimeMs;
  const upstream = ['world', 'data', 'pretrain', 'sft', 'rm-helpfulness', 'rm-safety', 'rs', 'dpo', 'gatt'].map(stamp);
  const ppoBefore = stamp('ppo');
  const changed = runCli(['start', '--quick', '--out', out, '--config', cfgFile]);
  assert.equal(changed.code, 0, changed.stderr.slice(-2000));
  assert.deepEqual(['world', 'data', 'pretrain', 'sft', 'rm-helpfulness', 'rm-safety', 'rs', 'dpo', 'gatt'].map(stamp), upstream);
  assert.ok(stamp('ppo') > ppoBefore, 'ppo re-ran');
  assert.equal(JSON.parse(readFileSync(join(out, 'ppo', 'summary.json'), 'utf8')).config.stage.optim.lr, 1e-5);
});
