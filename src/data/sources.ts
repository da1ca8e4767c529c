// Source specifications, as they appear in a data config, and loading them into one document list.
import type { Doc, Domain } from './doc.js';
import { loadFolder } from './corpora/folder.js';
import { generateMathProblems } from './corpora/math-problems.js';
import { loadMobyDick } from './corpora/moby-dick.js';
import { loadSotu } from './corpora/sotu.js';
import { loadSpamAssassin, type SpamAssassinGroup } from './corpora/spam-assassin.js';
import { loadTypeScriptLib } from './corpora/typescript-lib.js';

export type SourceSpec =
  | { kind: 'moby-dick'; limit?: number }
  | { kind: 'sotu'; limit?: number }
  | { kind: 'spam-assassin'; groups?: SpamAssassinGroup[]; limit?: number }
  | { kind: 'typescript-lib'; limit?: number }
  | { kind: 'math'; count: number; seed?: number }
  | { kind: 'folder'; path: string; domain?: Domain; limit?: number };

export const SOURCE_KINDS = ['moby-dick', 'sotu', 'spam-assassin', 'typescript-lib', 'math', 'folder'] as const;

/** The bundled default: every corpus that installs with llamats. Mail is capped per group so that one run of
 * `llamats data prepare` takes about a minute on two cores. */
export const BUNDLED_SOURCES: SourceSpec[] = [
  { kind: 'moby-dick' },
  { kind: 'sotu' },
  { kind: 'spam-assassin', groups: ['easy-ham-1', 'hard-ham-1', 'spam-1', 'spam-2'], limit: 500 },
  { kind: 'typescript-lib' },
  { kind: 'math', count: 400, seed: 1 },
];

const LOADERS: { [K in SourceSpec['kind']]: (s: Extract<SourceSpec, { kind: K }>) => Doc[] } = {
  'moby-dick': (s) => loadMobyDick(s),
  sotu: (s) => loadSotu(s),
  'spam-assassin': (s) => loadSpamAssassin(s),
  'typescript-lib': (s) => loadTypeScriptLib(s),
  math: (s) => generateMathProblems(s),
  folder: (s) => loadFolder(s.path, s),
};

export function loadSource(spec: SourceSpec): Doc[] {
  return (LOADERS[spec.kind] as (s: SourceSpec) => Doc[])(spec);
}

export function loadSources(specs: readonly SourceSpec[]): Doc[] {
  return specs.flatMap(loadSource);
}
