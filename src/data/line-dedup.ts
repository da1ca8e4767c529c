// Line-level de-duplication (Llama 3 §3.1.1, after ccNet, Wenzek et al. 2020): "we remove lines that
// appeared more than 6 times in each bucket of 30M documents". This removes boilerplate that document dedup
// cannot see: mailing-list footers, navigation menus, cookie warnings, signatures. Lines are compared after
// trimming, collapsing whitespace and lower-casing; blank lines are never counted (they carry paragraph
// structure). Code and generated math are skipped by default: a lone `}` or "Answer: 12" is not boilerplate.
import { estimateTokens, type CountTokens, type Doc } from './doc.js';
import { removal, type FilterStep, type Removal } from './filter-step.js';

export interface LineDedupConfig {
  /** A line seen more than this many times in a bucket is removed everywhere in it (Llama 3: 6). */
  maxCount: number;
  /** Documents per bucket (Llama 3: 30M); the counts are per bucket, in input order. */
  bucketDocs: number;
  /** Domains not touched. */
  skipDomains: string[];
}

export const LINE_DEDUP_DEFAULTS: LineDedupConfig = { maxCount: 6, bucketDocs: 30_000_000, skipDomains: ['code', 'reasoning'] };

const normalizeLine = (line: string) => line.trim().replace(/\s+/g, ' ').toLowerCase();

export function lineDedup(docs: readonly Doc[], config: Partial<LineDedupConfig> = {}, countTokens: CountTokens = estimateTokens): FilterStep {
  const c = { ...LINE_DEDUP_DEFAULTS, ...config };
  const skip = new Set(c.skipDomains);
  const kept: Doc[] = [];
  const removed: Removal[] = [];
  const topLines = new Map<string, number>();
  let linesRemoved = 0;
  let trimmedTokens = 0;
  for (let start = 0; start < docs.length; start += c.bucketDocs) {
    const bucket = docs.slice(start, start + c.bucketDocs);
    const counts = new Map<string, number>();
    for (const d of bucket) {
      if (skip.has(d.domain)) continue;
      for (const line of d.text.split('\n')) {
        const key = normalizeLine(line);
        if (key !== '') counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    for (const d of bucket) {
      if (skip.has(d.domain)) {
        kept.push(d);
        continue;
      }
      const lines = d.text.split('\n');
      const keep = lines.filter((line) => {
        const key = normalizeLine(line);
        const n = key === '' ? 0 : counts.get(key)!;
        if (n <= c.maxCount) return true;
        topLines.set(key, n);
        linesRemoved++;
        return false;
      });
      if (keep.length === lines.length) {
        kept.push(d);
        continue;
      }
      const text = keep.join('\n').replace(/\n{3,}/g, '\n\n').trim();
      if (text === '') {
        removed.push(removal(d, 'line-dedup', 'only-duplicate-lines', `every line appears more than ${c.maxCount} times`, countTokens));
        continue;
      }
      trimmedTokens += Math.max(0, countTokens(d.text) - countTokens(text));
      kept.push({ ...d, text });
    }
  }
  const top = [...topLines.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([line, count]) => ({ line: line.slice(0, 100), count }));
  return { filter: 'line-dedup', kept, removed, trimmedTokens, details: { maxCount: c.maxCount, bucketDocs: c.bucketDocs, skipDomains: c.skipDomains, linesRemoved, topRemovedLines: top } };
}
