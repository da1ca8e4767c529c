// tally: the world's tiny programming language, small enough for a tiny model to write and for the judge to run
// safely (execution feedback, Llama 3 §4.3.1: the answer to a code task is checked by running it, never by eval).
//
//   program := stmt ((';' | newline) stmt)*
//   stmt    := 'let' name '=' expr | name '=' expr | 'print' expr
//            | 'repeat' expr block | 'while' expr block | 'if' expr block ('else' block)?
//   block   := '{' program '}'
//   expr    := sum (('<' | '>' | '<=' | '>=' | '==' | '!=') sum)?        comparisons give 1 or 0
//   sum     := term (('+' | '-') term)*      term := unary (('*' | '/' | '%') unary)*
//   unary   := '-' unary | integer | name | '(' expr ')'
//
// Integers only; '/' truncates towards zero. One global scope.
import { LlamatsError } from '../../../util/errors.js';

export type TallyErrorKind = 'syntax' | 'runtime' | 'limit';

/** A syntax error, a runtime error (unknown variable, division by zero, overflow) or a step/output limit. */
export class TallyError extends LlamatsError {
  override name = 'TallyError';
  constructor(
    readonly kind: TallyErrorKind,
    readonly detail: string,
    readonly line: number,
  ) {
    super(`tally ${kind} error on line ${line}: ${detail}`);
  }
}

export type Expr =
  | { type: 'int'; value: number }
  | { type: 'var'; name: string; line: number }
  | { type: 'neg'; arg: Expr }
  | { type: 'bin'; op: string; left: Expr; right: Expr; line: number };

export type Stmt =
  | { type: 'let'; name: string; value: Expr; line: number }
  | { type: 'set'; name: string; value: Expr; line: number }
  | { type: 'print'; value: Expr; line: number }
  | { type: 'repeat'; count: Expr; body: Stmt[]; line: number }
  | { type: 'while'; cond: Expr; body: Stmt[]; line: number }
  | { type: 'if'; cond: Expr; then: Stmt[]; else: Stmt[]; line: number };

interface Token {
  type: 'int' | 'name' | 'kw' | 'op' | 'sep' | 'eof';
  text: string;
  line: number;
}

const KEYWORDS = new Set(['let', 'print', 'repeat', 'while', 'if', 'else']);
const MAX_INT_DIGITS = 9;
/** Bounds on what a model may hand the judge: source length and nesting (keeps the recursion shallow). */
export const MAX_SOURCE_CHARS = 4000;
export const MAX_NESTING = 64;

function lex(src: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  for (let i = 0; i < src.length; ) {
    const c = src[i]!;
    if (c === '\n' || c === ';') {
      tokens.push({ type: 'sep', text: c, line });
      if (c === '\n') line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+/.exec(src.slice(i))![0];
      if (m.length > MAX_INT_DIGITS) throw new TallyError('syntax', `integer ${m} has more than ${MAX_INT_DIGITS} digits`, line);
      tokens.push({ type: 'int', text: m, line });
      i += m.length;
    } else if (/[a-z_]/.test(c)) {
      const m = /^[a-z_][a-z0-9_]*/.exec(src.slice(i))![0];
      tokens.push({ type: KEYWORDS.has(m) ? 'kw' : 'name', text: m, line });
      i += m.length;
    } else {
      const two = src.slice(i, i + 2);
      const op = ['<=', '>=', '==', '!='].includes(two) ? two : '+-*/%()<>={}'.includes(c) ? c : null;
      if (op === null) throw new TallyError('syntax', `unexpected character ${JSON.stringify(c)}`, line);
      tokens.push({ type: 'op', text: op, line });
      i += op.length;
    }
  }
  tokens.push({ type: 'eof', text: 'end of program', line });
  return tokens;
}

/** Parses a tally program; throws TallyError('syntax') naming the line. */
export function parseTally(src: string): Stmt[] {
  if (src.length > MAX_SOURCE_CHARS) throw new TallyError('limit', `program longer than ${MAX_SOURCE_CHARS} characters`, 1);
  const tokens = lex(src);
  let pos = 0;
  let depth = 0;
  const nest = <T>(f: () => T): T => {
    if (++depth > MAX_NESTING) throw new TallyError('limit', `nested deeper than ${MAX_NESTING} levels`, peek().line);
    try {
      return f();
    } finally {
      depth--;
    }
  };
  const peek = () => tokens[pos]!;
  const next = () => tokens[pos++]!;
  const fail = (what: string): never => {
    const t = peek();
    throw new TallyError('syntax', `expected ${what}, got ${t.type === 'eof' ? t.text : JSON.stringify(t.text)}`, t.line);
  };
  const accept = (text: string) => (peek().text === text && peek().type !== 'int' ? (pos++, true) : false);
  const expect = (text: string) => void (accept(text) || fail(`'${text}'`));
  const skipSeps = () => { while (peek().type === 'sep') pos++; };

  function program(end: 'eof' | '}'): Stmt[] {
    const out: Stmt[] = [];
    skipSeps();
    while (!(end === 'eof' ? peek().type === 'eof' : peek().text === '}' && peek().type === 'op')) {
      if (peek().type === 'eof') fail("'}'");
      out.push(stmt());
      if (peek().type === 'sep') skipSeps();
      else if (!(peek().type === 'eof' || (peek().type === 'op' && peek().text === '}'))) fail("';' or a new line");
    }
    return out;
  }
  function block(): Stmt[] {
    return nest(() => {
      expect('{');
      const body = program('}');
      expect('}');
      return body;
    });
  }
  function stmt(): Stmt {
    const t = next();
    const line = t.line;
    if (t.type === 'kw' && t.text === 'let') {
      const name = next();
      if (name.type !== 'name') { pos--; fail('a variable name'); }
      expect('=');
      return { type: 'let', name: name.text, value: expr(), line };
    }
    if (t.type === 'name') {
      expect('=');
      return { type: 'set', name: t.text, value: expr(), line };
    }
    if (t.type === 'kw' && t.text === 'print') return { type: 'print', value: expr(), line };
    if (t.type === 'kw' && t.text === 'repeat') return { type: 'repeat', count: expr(), body: block(), line };
    if (t.type === 'kw' && t.text === 'while') return { type: 'while', cond: expr(), body: block(), line };
    if (t.type === 'kw' && t.text === 'if') {
      const cond = expr();
      const then = block();
      return { type: 'if', cond, then, else: accept('else') ? block() : [], line };
    }
    pos--;
    return fail('a statement (let, print, repeat, while, if or an assignment)');
  }
  function expr(): Expr {
    const left = sum();
    const t = peek();
    if (t.type === 'op' && ['<', '>', '<=', '>=', '==', '!='].includes(t.text)) {
      pos++;
      return { type: 'bin', op: t.text, left, right: sum(), line: t.line };
    }
    return left;
  }
  function sum(): Expr {
    let left = term();
    while (peek().type === 'op' && (peek().text === '+' || peek().text === '-')) {
      const t = next();
      left = { type: 'bin', op: t.text, left, right: term(), line: t.line };
    }
    return left;
  }
  function term(): Expr {
    let left = unary();
    while (peek().type === 'op' && ['*', '/', '%'].includes(peek().text)) {
      const t = next();
      left = { type: 'bin', op: t.text, left, right: unary(), line: t.line };
    }
    return left;
  }
  function unary(): Expr {
    return nest(unaryInner);
  }
  function unaryInner(): Expr {
    const t = next();
    if (t.type === 'op' && t.text === '-') return { type: 'neg', arg: unary() };
    if (t.type === 'int') return { type: 'int', value: Number(t.text) };
    if (t.type === 'name') return { type: 'var', name: t.text, line: t.line };
    if (t.type === 'op' && t.text === '(') {
      const e = expr();
      expect(')');
      return e;
    }
    pos--;
    return fail('a number, a variable or (');
  }

  return program('eof');
}
