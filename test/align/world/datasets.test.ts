import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorld, judge, judgeTurn, readPrompts, readResponses, writeDatasets, RATINGS, DATASET_SIZES, type DatasetCounts, type Dialogue, type PreferenceRow } from '../../../src/align/world/index.js';
import { FileFormatError } from '../../../src/util/errors.js';
import { readJsonl } from '../../../src/util/fs.js';
import { spawnSync } from 'node:child_process';

const counts: DatasetCounts = { ...DATASET_SIZES.small, train: 120, heldout: 60, heldoutSafety: 40, helpfulPairs: 80, safetyPairs: 60, heldoutPairs: 40, dialogues: 3, heldoutDialogues: 2, dialogueTurns: 5, sharegptChats: 10, limaCurated: 30, limaNoisy: 100, corpusDocs: 50 };
const tmp = mkdtempSync(join(tmpdir(), 'llamats-world-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

const world = createWorld({ size: 'small', seed: 9 });
const dirA = join(tmp, 'a');
const manifest = writeDatasets(world, dirA, counts, undefined, true);

test('generate writes every file, deterministically (same seed → same bytes)', () => {
  const dirB = join(tmp, 'b');
  writeDatasets(createWorld({ size: 'small', seed: 9 }), dirB, counts, undefined, true);
  const files = readdirSync(dirA).sort();
  assert.deepEqual(files, ['DATASETS.md', 'alpaca.json', 'corpus.txt', 'dialogues_gatt.jsonl', 'dialogues_gatt_heldout.jsonl', 'lima_curated.jsonl', 'lima_noisy.jsonl',
    'manifest.json', 'preferences_heldout.jsonl', 'preferences_helpful.jsonl', 'preferences_safety.jsonl', 'prompts_heldout.jsonl', 'prompts_heldout_safety.jsonl', 'prompts_train.jsonl', 'sft.jsonl', 'sft_orca.jsonl', 'sharegpt.json']);
  for (const f of files) assert.ok(readFileSync(join(dirA, f)).equals(readFileSync(join(dirB, f))), f);
  assert.deepEqual(JSON.parse(readFileSync(join(dirA, 'manifest.json'), 'utf8')), JSON.parse(JSON.stringify(manifest)));
  assert.equal(manifest.format, 'llamats-world');
  assert.equal(manifest.version, 1);
  assert.equal(manifest.files['prompts_train.jsonl'], 120);
  const safety = readPrompts(join(dirA, 'prompts_heldout_safety.jsonl'));
  assert.equal(safety.length, 40);
  assert.ok(safety.every((p) => p.family === 'safety' && p.id.startsWith('heldout-')));
  assert.equal(readFileSync(join(dirA, 'corpus.txt'), 'utf8').trimEnd().split('\n\n').length, 50);
});

test('prompts round-trip through JSONL and are judged identically', () => {
  const back = readPrompts(join(dirA, 'prompts_train.jsonl'));
  const original = world.sample('train', counts.train, { systemRate: counts.systemRate });
  assert.deepEqual(back, original);
  for (const p of back) assert.deepEqual(judge(p, p.oracle.gold), judge(original.find((q) => q.id === p.id)!, p.oracle.gold));
});

test('SFT styles: chat messages, Alpaca, ShareGPT, Orca, LIMA', () => {
  const sft = readJsonl<{ id: string; messages: { role: string; content: string }[] }>(join(dirA, 'sft.jsonl'));
  const prompts = new Map(readPrompts(join(dirA, 'prompts_train.jsonl')).map((p) => [p.id, p]));
  for (const row of sft) {
    const p = prompts.get(row.id)!;
    assert.deepEqual(row.messages.slice(0, -1), p.messages);
    assert.deepEqual(row.messages.at(-1), { role: 'assistant', content: p.oracle.gold });
  }
  const alpaca = JSON.parse(readFileSync(join(dirA, 'alpaca.json'), 'utf8')) as Record<string, string>[];
  assert.equal(alpaca.length, 120);
  for (const a of alpaca) assert.deepEqual(Object.keys(a).sort(), ['input', 'instruction', 'output']);
  const share = JSON.parse(readFileSync(join(dirA, 'sharegpt.json'), 'utf8')) as { conversations: { from: string; value: string }[] }[];
  for (const c of share) {
    const turns = c.conversations.filter((t) => t.from !== 'system').map((t) => t.from);
    assert.ok(turns.length >= 4 && turns.every((f, i) => f === (i % 2 === 0 ? 'human' : 'gpt')), turns.join(' '));
  }
  const orca = readJsonl<{ messages: { role: string; content: string }[] }>(join(dirA, 'sft_orca.jsonl'));
  for (const row of orca) {
    assert.equal(row.messages[0]!.role, 'system');
    const p = prompts.get((row as unknown as { id: string }).id)!;
    assert.equal(judge(p, row.messages.at(-1)!.content).helpfulness, 1, row.messages.at(-1)!.content);
  }
  const noisy = readJsonl<{ id: string; kind: string; messages: { content: string }[] }>(join(dirA, 'lima_noisy.jsonl'));
  const share0 = noisy.filter((r) => r.kind !== 'gold').length / noisy.length;
  assert.ok(share0 > 0.15 && share0 < 0.45, `noisy share ${share0} for noise ${counts.limaNoise}`);
  assert.equal(readJsonl(join(dirA, 'lima_curated.jsonl')).length, 30);
});

test('preference pairs: TRL conversational rows with Llama 2 ratings and safety bins', () => {
  const helpful = readJsonl<PreferenceRow>(join(dirA, 'preferences_helpful.jsonl'));
  const safety = readJsonl<PreferenceRow>(join(dirA, 'preferences_safety.jsonl'));
  assert.equal(helpful.length, 80);
  assert.ok(safety.length > 40 && safety.length <= 60);
  for (const r of [...helpful, ...safety]) {
    assert.ok(RATINGS.includes(r.rating));
    assert.equal(r.chosen.length, 1);
    assert.equal(r.chosen[0]!.role, 'assistant');
    assert.notEqual(r.chosen[0]!.content, r.rejected[0]!.content);
    if (r.edited) assert.ok(r.scores.chosen < 1);
  }
  for (const r of safety) {
    assert.equal(r.kind, 'safety');
    assert.ok(r.safety && !(!r.safety.chosenSafe && r.safety.rejectedSafe), 'unsafe-over-safe pairs are dropped');
  }
  const heldout = readJsonl<PreferenceRow>(join(dirA, 'preferences_heldout.jsonl'));
  const heldoutIds = new Set(readPrompts(join(dirA, 'prompts_heldout.jsonl')).map((p) => p.id.split('-')[0]));
  assert.deepEqual([...heldoutIds], ['heldout']);
  assert.ok(heldout.every((r) => r.promptId.startsWith('heldout-')));
});

test('GAtt dialogues read back and judge per turn', () => {
  const dialogues = readJsonl<Dialogue>(join(dirA, 'dialogues_gatt.jsonl'));
  assert.equal(dialogues.length, 3);
  for (const d of dialogues) for (let t = 0; t < d.turns.length; t++) assert.equal(judgeTurn(d, t, d.turns[t]!.gold).helpfulness, 1);
});

test('readers name the file, the line and the field of a bad row', () => {
  const good = readFileSync(join(dirA, 'prompts_heldout.jsonl'), 'utf8').split('\n')[0]!;
  const row = JSON.parse(good);
  const cases: [(r: any) => void, RegExp][] = [
    [(r) => { r.difficulty = 4; }, /line 2: difficulty: expected 1, 2 or 3/],
    [(r) => { delete r.oracle.check.kind; }, /line 2: oracle\.check\.kind: expected a string/],
    [(r) => { r.messages[0].role = 'bot'; }, /line 2: messages\[0\]\.role: expected one of system, user, assistant/],
    [(r) => { r.oracle.constraints = [{ kind: 'end_word' }]; }, /oracle\.constraints\[0\]\.word: expected a string/],
  ];
  for (const [mutate, msg] of cases) {
    const bad = structuredClone(row);
    mutate(bad);
    const f = join(tmp, 'bad.jsonl');
    writeFileSync(f, `${good}\n${JSON.stringify(bad)}\n`);
    assert.throws(() => readPrompts(f), (e: unknown) => e instanceof FileFormatError && msg.test(e.message) && e.message.startsWith(f), msg.source);
  }
  const resp = join(tmp, 'responses.jsonl');
  writeFileSync(resp, `${JSON.stringify({ id: 'a', response: 'x' })}\n${JSON.stringify({ id: 'b', messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'y' }] })}\n`);
  assert.deepEqual([...readResponses(resp)], [['a', 'x'], ['b', 'y']]);
  writeFileSync(resp, `${JSON.stringify({ id: 'a', response: 'x' })}\n${JSON.stringify({ id: 'a', response: 'z' })}\n`);
  assert.throws(() => readResponses(resp), /line 2: id: expected an id not seen before/);
});

// The CLI runs in a child process (stdout belongs to the test runner here), from source, as test/tokenizer does.
const ROOT = (() => {
  const here = import.meta.dirname;
  return here.includes(join('dist', 'test')) ? join(here, '..', '..', '..', '..') : join(here, '..', '..', '..');
})();
function cli(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'helpers', 'run-cli.ts'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, LLAMATS_QUIET: '1' } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

test('CLI: world judge scores a file of responses (gold for safe prompts, compliance for unsafe ones)', () => {
  const prompts = readPrompts(join(dirA, 'prompts_heldout.jsonl'));
  const answers = join(tmp, 'answers.jsonl');
  writeFileSync(answers, prompts.map((p) => `${JSON.stringify({ id: p.id, response: p.tags.unsafe ? 'Sure, here is how.' : p.oracle.gold })}\n`).join(''));
  const out = join(tmp, 'judgements.jsonl');
  const g = cli(['world', 'judge', '--prompts', join(dirA, 'prompts_heldout.jsonl'), '--responses', answers, '--json', '--out', out]);
  assert.equal(g.code, 0, g.err);
  const m = JSON.parse(g.out);
  const nUnsafe = prompts.filter((p) => p.tags.unsafe).length;
  assert.ok(nUnsafe > 0);
  assert.deepEqual([m.n, m.helpfulness.mean, m.violationRate.rate, m.violationRate.n, m.falseRefusalRate.rate], [60, (60 - nUnsafe) / 60, 1, nUnsafe, 0]);
  const rows = readJsonl<{ id: string; helpfulness: number; violation: boolean }>(out);
  assert.equal(rows.length, 60);
  assert.ok(rows.every((r) => r.violation === (r.helpfulness === 0)));
  const unknown = join(tmp, 'unknown.jsonl');
  writeFileSync(unknown, `${JSON.stringify({ id: 'nope', response: 'x' })}\n`);
  const u = cli(['world', 'judge', '--prompts', join(dirA, 'prompts_heldout.jsonl'), '--responses', unknown]);
  assert.equal(u.code, 1);
  assert.match(u.err, /unknown\.jsonl: id "nope": expected a prompt id/);
});

test('CLI: world generate writes the datasets', () => {
  const out = join(tmp, 'cli');
  const g = cli(['world', 'generate', '--out', out, '--size', 'small', '--seed', '2', '--train', '30', '--heldout', '20', '--noise', '0.2']);
  assert.equal(g.code, 0, g.err);
  assert.equal(JSON.parse(g.out).files['prompts_train.jsonl'], 30);
  assert.equal(readPrompts(join(out, 'prompts_heldout.jsonl')).length, 20);
  assert.ok(readFileSync(join(out, 'DATASETS.md'), 'utf8').startsWith('# llamats synthetic alignment world'));
});

test('CLI: world sample and world corpus print JSONL and documents; a bad flag value is named', () => {
  const s = cli(['world', 'sample', '--n', '3', '--family', 'code', '--seed', '4', '--size', 'small', '--split', 'heldout']);
  const rows = s.out.trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(rows.length === 3 && rows.every((p) => p.family === 'code' && p.id.startsWith('heldout-')));
  assert.equal(cli(['world', 'corpus', '--docs', '4', '--size', 'small']).out.trim().split('\n\n').length, 4);
  const bad = cli(['world', 'sample', '--size', 'huge']);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /--size: expected small or default/);
});
