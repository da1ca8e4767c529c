import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTally, parseTally, TallyError } from '../../../src/align/world/index.js';
import { traceProgram, writeSpec } from '../../../src/align/world/tally/programs.js';
import { Rng } from '../../../src/util/rng.js';

// Oracle: hand-evaluated programs.
test('tally runs programs to their hand-computed output', () => {
  const cases: [string, string[]][] = [
    ['print 2 + 3 * 4', ['14']],
    ['print (2 + 3) * 4', ['20']],
    ['print 7 / 2; print -7 / 2; print 7 % 3; print -7 % 3', ['3', '-3', '1', '-1']], // truncation towards zero
    ['print 0 * -1', ['0']], // not "-0"
    ['let x = 4\nx = x * x\nprint x - 1', ['15']],
    ['let s = 0\nlet i = 1\nwhile i <= 4 {\ns = s + i\ni = i + 1\n}\nprint s', ['10']],
    ['repeat 3 { print 7 }', ['7', '7', '7']],
    ['let x = 5\nif x > 3 { print 1 } else { print 0 }\nif x == 3 { print 1 } else { print 0 }', ['1', '0']],
    ['print 3 < 4; print 4 <= 4; print 5 != 5; print 2 >= 3', ['1', '1', '0', '0']],
    ['\n\nprint 1;;\n', ['1']],
  ];
  for (const [src, out] of cases) {
    const run = runTally(src);
    assert.equal(run.ok, true, `${src}: ${run.error?.message}`);
    assert.deepEqual(run.output, out, src);
  }
});

test('tally reports syntax errors with the line, and never throws from runTally', () => {
  const cases: [string, number, RegExp][] = [
    ['print 1\nprint 2 +', 2, /expected a number/],
    ['let = 3', 1, /variable name/],
    ['print 1 $ 2', 1, /unexpected character/],
    ['repeat 3 { print 1', 1, /'}'/],
    ['print 1 print 2', 1, /';' or a new line/],
    ['print 1234567890', 1, /more than 9 digits/],
    ['Print 1', 1, /unexpected character "P"/],
  ];
  for (const [src, line, msg] of cases) {
    const run = runTally(src);
    assert.equal(run.ok, false, src);
    assert.equal(run.error!.kind, 'syntax', src);
    assert.equal(run.error!.line, line, src);
    assert.match(run.error!.message, msg, src);
  }
  assert.throws(() => parseTally('let x ='), (e: unknown) => e instanceof TallyError && e.kind === 'syntax');
});

test('tally runtime errors: unknown variable, redefinition, division by zero, overflow', () => {
  const cases: [string, RegExp, string[]][] = [
    ['print 1\nprint y', /unknown variable y/, ['1']],
    ['x = 1', /unknown variable x \(define it with let\)/, []],
    ['let x = 1\nlet x = 2', /already defined/, []],
    ['print 1 / 0', /division by zero/, []],
    ['print 5 % (2 - 2)', /division by zero/, []],
    ['let x = 100000\nprint x * x', /out of range/, []],
  ];
  for (const [src, msg, partial] of cases) {
    const run = runTally(src);
    assert.equal(run.ok, false, src);
    assert.equal(run.error!.kind, 'runtime', src);
    assert.match(run.error!.message, msg, src);
    assert.deepEqual(run.output, partial, `${src}: output before the error is kept`);
  }
});

test('tally stops endless and huge loops at the step limit, and floods at the output cap', () => {
  for (const src of ['while 1 { }', 'let x = 0\nwhile 1 { x = x + 1 }', 'repeat 999999999 { }']) {
    const run = runTally(src, { maxSteps: 1000, maxOutputLines: 100 });
    assert.equal(run.ok, false, src);
    assert.equal(run.error!.kind, 'limit', src);
    assert.ok(run.steps <= 1001, `${src}: ${run.steps} steps`);
  }
  const flood = runTally('while 1 { print 1 }', { maxSteps: 1_000_000, maxOutputLines: 5 });
  assert.equal(flood.error!.kind, 'limit');
  assert.equal(flood.output.length, 5);
});

test('tally bounds hostile input: source length and nesting depth', () => {
  const deep = `print ${'('.repeat(5000)}1${')'.repeat(5000)}`;
  const negs = `print ${'- '.repeat(1500)}1`;
  const long = `print ${Array(3000).fill('1').join('+')}`;
  for (const src of [deep, negs, long, `repeat 2 ${'{ repeat 2 '.repeat(100)}{ }${' }'.repeat(101)}`]) {
    const run = runTally(src);
    assert.equal(run.ok, false);
    assert.equal(run.error!.kind, 'limit', run.error!.message);
  }
  assert.deepEqual(runTally(`print ${'('.repeat(60)}7${')'.repeat(60)}`).output, ['7']);
});

test('generated programs print what their traces compute', () => {
  const rng = new Rng(3);
  for (let i = 0; i < 60; i++) {
    const d = (1 + (i % 3)) as 1 | 2 | 3;
    const p = traceProgram(rng, d);
    assert.equal(p.output.length, 1);
    // The last equation of the trace states the printed value (property linking explanation and execution).
    const last = [...p.trace.join(' ').matchAll(/= (-?\d+)\./g)].at(-1);
    assert.ok(last, p.trace.join(' '));
    assert.equal(last[1], p.output[0], `${p.src}\n${p.trace.join(' ')}`);
    const w = writeSpec(rng, d);
    assert.deepEqual(runTally(w.gold).output, w.output);
  }
});
