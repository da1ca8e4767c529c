import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMobyDick } from '../../src/data/corpora/moby-dick.js';
import { loadSotu } from '../../src/data/corpora/sotu.js';
import { loadSpamAssassin } from '../../src/data/corpora/spam-assassin.js';
import { loadTypeScriptLib, chunkAtDeclarations } from '../../src/data/corpora/typescript-lib.js';
import { generateMathProblems } from '../../src/data/corpora/math-problems.js';
import { loadFolder } from '../../src/data/corpora/folder.js';
import { decodeQuotedPrintable, emailText, htmlToText } from '../../src/data/corpora/email.js';
import { parseDataConfig } from '../../src/data/config.js';
import { ConfigError, FileFormatError } from '../../src/util/errors.js';

test('Moby-Dick: 135 chapters plus etymology, extracts and epilogue, in reading order', () => {
  const docs = loadMobyDick();
  assert.equal(docs.length, 138);
  assert.equal(docs[0]!.id, 'moby-dick/chapter-1');
  assert.ok(docs[0]!.text.startsWith('Call me Ishmael.'));
  assert.equal(docs[134]!.id, 'moby-dick/chapter-135');
});

test('State of the Union: one document per address, 1790 to 2021', () => {
  const docs = loadSotu();
  assert.equal(docs.length, 233);
  assert.equal(docs[0]!.meta!.year, 1790);
  assert.equal(docs[docs.length - 1]!.meta!.year, 2021);
  assert.ok(docs.every((d) => d.domain === 'general' && d.text.length > 1000));
});

test('SpamAssassin: headers stripped, subject kept, labels by group', () => {
  const docs = loadSpamAssassin({ groups: ['spam-2', 'easy-ham-1'], limit: 20 });
  assert.equal(docs.length, 40);
  assert.ok(docs.every((d) => !/^(Return-Path|Received|Message-ID):/m.test(d.text)), 'no header lines left');
  assert.equal(docs[0]!.meta!.label, 'spam');
  assert.equal(docs[20]!.meta!.label, 'ham');
  assert.throws(() => loadSpamAssassin({ groups: ['nope' as 'spam-1'] }), ConfigError);
});

test('email text extraction: quoted-printable, multipart/alternative, HTML', () => {
  assert.equal(decodeQuotedPrintable('caf=E9 soft=\nbreak =3D'), 'café softbreak =');
  assert.equal(htmlToText('<p>a&amp;b</p><style>x{}</style><b>c</b>&#233;'), 'a&b\nc\u00e9');
  const raw = [
    'Subject: Hello', 'Content-Type: multipart/alternative;', '\tboundary="XX"', '', 'preamble',
    '--XX', 'Content-Type: text/plain', '', 'plain version', '--XX', 'Content-Type: text/html', '', '<p>html version</p>', '--XX--', '',
  ].join('\n');
  assert.deepEqual(emailText(raw), { subject: 'Hello', body: 'plain version' });
});

test('TypeScript lib: code documents cut at top-level declarations', () => {
  const docs = loadTypeScriptLib({ limit: 30 });
  assert.equal(docs.length, 30);
  assert.ok(docs.every((d) => d.domain === 'code' && !d.text.includes('Copyright (c) Microsoft')));
  const text = ['interface A {', '  x: number;', '}', 'interface B {', '  y: string;', '}', 'declare var c: A;'].join('\n');
  assert.deepEqual(chunkAtDeclarations(text, 3), ['interface A {\n  x: number;\n}', 'interface B {\n  y: string;\n}', 'declare var c: A;']);
});

test('math worksheets: every written step is correct arithmetic and the answers match meta', () => {
  const docs = generateMathProblems({ count: 50, seed: 9 });
  assert.deepEqual(generateMathProblems({ count: 50, seed: 9 }), docs, 'seeded');
  let steps = 0;
  const ops: Record<string, (a: number, b: number) => number> = { '×': (a, b) => a * b, '+': (a, b) => a + b, '−': (a, b) => a - b, '÷': (a, b) => a / b };
  for (const d of docs) {
    for (const m of d.text.matchAll(/(\d+) ([×+−÷]) (\d+) = (\d+)/g)) {
      assert.equal(ops[m[2]!]!(Number(m[1]), Number(m[3])), Number(m[4]), m[0]);
      steps++;
    }
    const answers = [...d.text.matchAll(/Answer: (-?\d+)/g)].map((m) => Number(m[1]));
    assert.deepEqual(answers, d.meta!.answers);
  }
  assert.ok(steps > 200);
});

test('folder: .txt/.md files and .jsonl lines become documents; bad lines name file and line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'llamats-data-'));
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'b.txt'), 'plain text');
  writeFileSync(join(dir, 'sub', 'a.md'), '# notes');
  writeFileSync(join(dir, 'c.jsonl'), '{"text": "one"}\n\n{"text": "two", "domain": "code", "id": "x"}\n');
  writeFileSync(join(dir, 'ignored.bin'), 'zzz');
  const docs = loadFolder(dir, { domain: 'general' });
  assert.deepEqual(docs.map((d) => [d.id, d.domain, d.text]), [['folder/b.txt', 'general', 'plain text'], ['folder/c.jsonl:1', 'general', 'one'], ['x', 'code', 'two'], ['folder/sub/a.md', 'general', '# notes']]);
  writeFileSync(join(dir, 'c.jsonl'), '{"text": "ok"}\n{"txt": "typo"}\n');
  assert.throws(() => loadFolder(dir), (e: Error) => e instanceof FileFormatError && /c\.jsonl: line 2: text/.test(e.message));
  assert.throws(() => loadFolder(join(dir, 'missing')), ConfigError);
});

test('data config: defaults, strict keys and types, errors name the field', () => {
  const c = parseDataConfig('cfg.json', { minhash: { numPerm: 64, bands: 8, rows: 8 }, mix: { general: 1 }, quality: { heldOutSources: null } });
  assert.equal(c.minhash.numPerm, 64);
  assert.equal(c.minhash.threshold, 0.8, 'unspecified fields keep defaults');
  assert.deepEqual(c.mix, { general: 1 });
  assert.equal(c.quality.heldOutSources, null);
  assert.throws(() => parseDataConfig('cfg.json', { minhsh: {} }), /cfg\.json: minhsh: expected one of the keys/);
  assert.throws(() => parseDataConfig('cfg.json', { minhash: { threshold: '0.8' } }), /minhash\.threshold: expected a value of type number, got string/);
  assert.throws(() => parseDataConfig('cfg.json', { sources: [{ kind: 'web' }] }), /sources\[0\]\.kind/);
  assert.throws(() => parseDataConfig('cfg.json', { mix: { general: -1 } }), /mix\.general/);
});
