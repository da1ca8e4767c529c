// Reasoning: generated arithmetic word problems with worked, step-by-step solutions, in the spirit of the
// grade-school math that Llama 3 up-samples for reasoning (§3.1.2 mix, §3.4 annealing on GSM8K-like data).
// Every step is an exact integer computation written "a op b = c", so tests can check each line, and every
// problem's final answer is stored in meta. Seeded: the same seed gives the same worksheets.
import { Rng } from '../../util/rng.js';
import type { Doc } from '../doc.js';

export interface MathProblem {
  question: string;
  steps: string[];
  answer: number;
}

export interface MathProblemOptions {
  /** Number of worksheets (documents). */
  count: number;
  seed?: number;
  /** Problems per worksheet (default 3–6). */
  problemsPerDoc?: [number, number];
}

const NAMES = ['Ada', 'Ben', 'Chloe', 'Dev', 'Elena', 'Farid', 'Grace', 'Hugo', 'Ines', 'Jonas', 'Keiko', 'Liam', 'Maya', 'Noor', 'Omar', 'Priya'];
const ITEMS = ['apple', 'notebook', 'pencil', 'ticket', 'marble', 'sticker', 'orange', 'book', 'cupcake', 'stamp'];

const between = (r: Rng, lo: number, hi: number) => lo + r.int(hi - lo + 1);
const mul = (a: number, b: number) => `${a} × ${b} = ${a * b}`;
const add = (a: number, b: number) => `${a} + ${b} = ${a + b}`;
const sub = (a: number, b: number) => `${a} − ${b} = ${a - b}`;

type Template = (r: Rng) => MathProblem;

const TEMPLATES: Template[] = [
  (r) => {
    const [name, item] = [r.pick(NAMES), r.pick(ITEMS)];
    const n = between(r, 2, 9), p = between(r, 2, 12), bill = n * p <= 50 ? 50 : 100;
    return { question: `${name} buys ${n} ${item}s at $${p} each and pays with a $${bill} bill. How much change does ${name} get?`,
      steps: [`The ${item}s cost ${mul(n, p)} dollars.`, `The change is ${sub(bill, n * p)} dollars.`], answer: bill - n * p };
  },
  (r) => {
    const v = between(r, 4, 12) * 10, t = between(r, 2, 7);
    return { question: `A train travels at ${v} km per hour for ${t} hours. How far does it travel?`,
      steps: [`Distance is speed times time: ${mul(v, t)} km.`], answer: v * t };
  },
  (r) => {
    const [name, item] = [r.pick(NAMES), r.pick(ITEMS)];
    const k = between(r, 3, 8), q = between(r, 3, 12), rem = r.int(k), total = k * q + rem;
    return { question: `${name} has ${total} ${item}s and shares them equally among ${k} friends. How many ${item}s are left over?`,
      steps: [`Each friend gets ${q}, because ${mul(k, q)} and the next multiple of ${k} is larger than ${total}.`, `Left over: ${sub(total, k * q)}.`], answer: rem };
  },
  (r) => {
    const price = between(r, 2, 15) * 20, pct = r.pick([10, 20, 25, 50]);
    const off = (price * pct) / 100;
    return { question: `A jacket costs $${price}. It is on sale for ${pct}% off. What is the sale price?`,
      steps: [`The discount is ${price} × ${pct} ÷ 100 dollars: ${mul(price, pct)}, and ${price * pct} ÷ 100 = ${off}.`, `The sale price is ${sub(price, off)} dollars.`], answer: price - off };
  },
  (r) => {
    const a = between(r, 3, 25), b = between(r, 2, 20);
    return { question: `A rectangular garden is ${a} m long and ${b} m wide. What is its perimeter?`,
      steps: [`Length plus width: ${add(a, b)}.`, `The perimeter is twice that: ${mul(2, a + b)} m.`], answer: 2 * (a + b) };
  },
  (r) => {
    const name = r.pick(NAMES);
    const s = between(r, 3, 20), w = between(r, 4, 12), x = between(r, 1, s * w - 1);
    return { question: `${name} saves $${s} every week. After ${w} weeks, ${name} spends $${x} on a gift. How much money is left?`,
      steps: [`Savings: ${mul(s, w)} dollars.`, `Left after the gift: ${sub(s * w, x)} dollars.`], answer: s * w - x };
  },
  (r) => {
    const a = between(r, 2, 50), b = between(r, 2, 12), c = between(r, 2, 12), d = between(r, 1, a + b * c - 1);
    return { question: `Compute ${a} + ${b} × ${c} − ${d}.`,
      steps: [`Multiplication comes first: ${mul(b, c)}.`, `Then from left to right: ${add(a, b * c)}, and ${sub(a + b * c, d)}.`], answer: a + b * c - d };
  },
  (r) => {
    const p = r.pick(NAMES);
    const q = r.pick(NAMES.filter((n) => n !== p));
    const a = between(r, 3, 12), k = between(r, 2, 5), y = between(r, 1, 10);
    return { question: `${p} is ${a} years old. ${q} is ${k} times as old as ${p}. How old will ${q} be in ${y} years?`,
      steps: [`Now: ${mul(a, k)} years.`, `In ${y} years: ${add(a * k, y)}.`], answer: a * k + y };
  },
];

export function mathProblem(rng: Rng): MathProblem {
  return rng.pick(TEMPLATES)(rng);
}

export function generateMathProblems(opts: MathProblemOptions): Doc[] {
  const rng = new Rng(opts.seed ?? 1);
  const [lo, hi] = opts.problemsPerDoc ?? [3, 6];
  const docs: Doc[] = [];
  for (let d = 0; d < opts.count; d++) {
    const problems = Array.from({ length: between(rng, lo, hi) }, () => mathProblem(rng));
    const text = [`Worksheet ${d + 1}: word problems with worked solutions.`, ...problems.map((p, i) =>
      `Problem ${i + 1}. ${p.question}\nSolution. ${p.steps.join(' ')}\nAnswer: ${p.answer}`)].join('\n\n');
    docs.push({ id: `math/${opts.seed ?? 1}/${d}`, domain: 'reasoning', source: 'math-problems', text, meta: { answers: problems.map((p) => p.answer) } });
  }
  return docs;
}
