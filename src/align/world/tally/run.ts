// The tally interpreter: a tree walker with a step budget (every statement and every expression node costs one
// step), an output cap and a value bound, so a model's `while 1 { }` or `repeat 999999999` ends in a clean
// 'limit' error instead of a hung judge. It never touches anything outside its own variable map.
import { parseTally, TallyError, type Expr, type Stmt, type TallyErrorKind } from './parse.js';

export interface TallyLimits {
  maxSteps: number;
  maxOutputLines: number;
}

export const DEFAULT_TALLY_LIMITS: TallyLimits = { maxSteps: 10_000, maxOutputLines: 100 };

/** |value| must stay below this (keeps results exact in doubles and answers short). */
export const TALLY_MAX_ABS = 1_000_000_000;

/** The outcome of running a program: its printed lines, and the error that stopped it, if any. */
export interface TallyRun {
  ok: boolean;
  output: string[];
  steps: number;
  error?: { kind: TallyErrorKind; message: string; line: number };
}

/** Parses and runs `src`; never throws for bad programs (the error is part of the result, as execution feedback). */
export function runTally(src: string, limits: TallyLimits = DEFAULT_TALLY_LIMITS): TallyRun {
  const output: string[] = [];
  let steps = 0;
  const vars = new Map<string, number>();

  const step = (line: number) => {
    if (++steps > limits.maxSteps) throw new TallyError('limit', `more than ${limits.maxSteps} steps`, line);
  };
  const bound = (v: number, line: number) => {
    if (Math.abs(v) >= TALLY_MAX_ABS) throw new TallyError('runtime', `value ${v} out of range (|v| < ${TALLY_MAX_ABS})`, line);
    return v;
  };

  function evaluate(e: Expr, line: number): number {
    step(line);
    switch (e.type) {
      case 'int':
        return e.value;
      case 'var': {
        const v = vars.get(e.name);
        if (v === undefined) throw new TallyError('runtime', `unknown variable ${e.name}`, e.line);
        return v;
      }
      case 'neg':
        return -evaluate(e.arg, line);
      case 'bin': {
        const a = evaluate(e.left, e.line);
        const b = evaluate(e.right, e.line);
        switch (e.op) {
          case '+': return bound(a + b, e.line);
          case '-': return bound(a - b, e.line);
          case '*': return bound(a * b, e.line);
          case '/':
          case '%':
            if (b === 0) throw new TallyError('runtime', 'division by zero', e.line);
            return e.op === '/' ? Math.trunc(a / b) : a % b;
          case '<': return a < b ? 1 : 0;
          case '>': return a > b ? 1 : 0;
          case '<=': return a <= b ? 1 : 0;
          case '>=': return a >= b ? 1 : 0;
          case '==': return a === b ? 1 : 0;
          case '!=': return a !== b ? 1 : 0;
        }
        throw new TallyError('runtime', `unknown operator ${e.op}`, e.line);
      }
    }
  }

  function exec(body: readonly Stmt[]): void {
    for (const s of body) {
      step(s.line);
      switch (s.type) {
        case 'let':
          if (vars.has(s.name)) throw new TallyError('runtime', `variable ${s.name} is already defined (assign without let)`, s.line);
          vars.set(s.name, evaluate(s.value, s.line));
          break;
        case 'set':
          if (!vars.has(s.name)) throw new TallyError('runtime', `unknown variable ${s.name} (define it with let)`, s.line);
          vars.set(s.name, evaluate(s.value, s.line));
          break;
        case 'print':
          if (output.length >= limits.maxOutputLines) throw new TallyError('limit', `more than ${limits.maxOutputLines} printed lines`, s.line);
          output.push(String(evaluate(s.value, s.line) + 0)); // + 0 turns -0 into 0
          break;
        case 'repeat': {
          const n = evaluate(s.count, s.line);
          for (let i = 0; i < n; i++) {
            step(s.line); // each round costs a step, so `repeat 999999999 { }` also meets the limit
            exec(s.body);
          }
          break;
        }
        case 'while':
          while (evaluate(s.cond, s.line) !== 0) exec(s.body);
          break;
        case 'if':
          exec(evaluate(s.cond, s.line) !== 0 ? s.then : s.else);
          break;
      }
    }
  }

  try {
    exec(parseTally(src));
    return { ok: true, output, steps };
  } catch (e) {
    if (!(e instanceof TallyError)) throw e;
    return { ok: false, output, steps, error: { kind: e.kind, message: e.message, line: e.line } };
  }
}
