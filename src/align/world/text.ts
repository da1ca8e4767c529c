// String helpers shared by the task generators and the judges: word splitting, edit distance (the partial
// credit for near misses) and the extraction of the answer part of a response.

/** Words: runs of letters, digits, apostrophes and hyphens inside words. */
export function words(s: string): string[] {
  return s.match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu) ?? [];
}

export function countWords(s: string): number {
  return words(s).length;
}

/** Levenshtein distance (insert, delete, substitute = 1), O(|a|·|b|) with one row. */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const sub = prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min(sub, prev[j]! + 1, row[j - 1]! + 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** 1 − distance / longer length: 1 for equal strings, 0 for nothing in common. */
export function similarity(a: string, b: string): number {
  const n = Math.max(a.length, b.length);
  return n === 0 ? 1 : 1 - levenshtein(a, b) / n;
}

/** Trims whitespace, then surrounding quotes/backticks and a final full stop or exclamation mark. */
export function stripEnds(s: string): string {
  let t = s.trim();
  for (let changed = true; changed && t.length > 0; ) {
    changed = false;
    const next = t.replace(/[.!]+$/u, '').replace(/^["'`“‘](.*)["'`”’]$/su, '$1').trim();
    if (next !== t) {
      t = next;
      changed = true;
    }
  }
  return t;
}

/**
 * The part of a response that holds the answer: the body of the last ``` fence, else what follows the last
 * "the answer is" / "Answer:" (so Orca-style explanations are judged on their conclusion), else everything.
 */
export function answerSpan(response: string): string {
  const fences = [...response.matchAll(/```[a-z]*\n?([\s\S]*?)```/g)];
  if (fences.length > 0) return fences[fences.length - 1]![1]!.trim();
  const marks = [...response.matchAll(/(?:the answer is|answer:)\s*/gi)];
  if (marks.length > 0) {
    const m = marks[marks.length - 1]!;
    const rest = response.slice(m.index! + m[0].length).trim();
    if (rest !== '') return rest;
  }
  return response.trim();
}

/** Integers written with digits, in order of appearance. */
export function integersIn(s: string): number[] {
  return (s.match(/(?<![\p{L}\p{N}])-?\d+/gu) ?? []).map(Number);
}

export const NUMBER_WORDS = [
  'zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten',
  'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty',
];

/** Capitalises the first letter. */
export function capitalize(s: string): string {
  return s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1);
}

/** Lower-cases the first letter unless the first word is a proper name (starts a capitalised word after it). */
export function lowerFirst(s: string): string {
  return s.length === 0 ? s : s[0]!.toLowerCase() + s.slice(1);
}

/** "a, b and c". */
export function joinAnd(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
