// Code: TypeScript's own declaration files (lib.es5.d.ts, lib.dom.d.ts, …; Apache-2.0, Microsoft), found
// through the installed `typescript` package (TypeScript ≤ 6 keeps them in typescript/lib; the native
// TypeScript 7 in its platform package @typescript/typescript-<os>-<cpu>/lib). Large files are cut at
// top-level declarations into documents of about `maxLines` lines so one file does not dominate the mix.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FileFormatError } from '../../util/errors.js';
import type { Doc } from '../doc.js';
import { optionalPackageDir } from './package-data.js';
import { takeLimit, type SourceOptions } from './limit.js';

export interface TypeScriptLibOptions extends SourceOptions {
  /** Target document size in lines (default 200). */
  maxLines?: number;
  /** Drop pieces shorter than this many lines (default 5): the stub files that only point elsewhere. */
  minLines?: number;
}

/** The folder holding lib.*.d.ts, or null when TypeScript is not installed. */
export function typescriptLibDir(): string | null {
  const candidates: string[] = [];
  const ts = optionalPackageDir('typescript');
  if (ts) candidates.push(join(ts, 'lib'));
  const native = optionalPackageDir(`@typescript/typescript-${process.platform}-${process.arch}`);
  if (native) candidates.push(join(native, 'lib'));
  return candidates.find((d) => existsSync(join(d, 'lib.es5.d.ts'))) ?? null;
}

export function loadTypeScriptLib(opts: TypeScriptLibOptions = {}): Doc[] {
  const dir = typescriptLibDir();
  if (!dir) throw new FileFormatError('typescript', 'lib/lib.es5.d.ts', 'the TypeScript package installed (a devDependency: run `npm install`)', 'not found');
  const files = readdirSync(dir).filter((f) => /^lib\..*\.d\.ts$/.test(f)).sort();
  const docs: Doc[] = [];
  for (const f of files) {
    const text = stripLicenceHeader(readFileSync(join(dir, f), 'utf8'));
    chunkAtDeclarations(text, opts.maxLines ?? 200).forEach((chunk, i) => {
      if (chunk.split('\n').length >= (opts.minLines ?? 5)) docs.push({ id: `typescript-lib/${f}#${i}`, domain: 'code', source: 'typescript-lib', text: chunk, meta: { file: f, part: i } });
    });
  }
  return takeLimit(docs, opts.limit);
}

/** Every lib file opens with the same Apache licence block: identical boilerplate that would make the small
 * files near-duplicates of each other. The licence is stated once, in the README. */
function stripLicenceHeader(text: string): string {
  return text.replace(/^\/\*![\s\S]*?\*\/\s*/, '').replace(/^(\/\/\/ <reference [^\n]*\n|\s*\n)+/, '');
}

/** Splits before a top-level declaration (a line starting at column 0 that is not a closing brace) once the
 * current chunk has `maxLines` lines; a huge single declaration stays whole. */
export function chunkAtDeclarations(text: string, maxLines: number): string[] {
  const lines = text.split('\n');
  const chunks: string[] = [];
  let start = 0;
  for (let i = 1; i < lines.length; i++) {
    const topLevel = /^(\/\*\*|interface |declare |type |export |namespace |function |\/\/)/.test(lines[i]!) && !/^[ \t}]/.test(lines[i]!);
    const prevEndsBlock = /^(}|\S.*;\s*)$/.test(lines[i - 1]!) || lines[i - 1]!.trim() === '';
    if (topLevel && prevEndsBlock && i - start >= maxLines) {
      chunks.push(lines.slice(start, i).join('\n').trimEnd());
      start = i;
    }
  }
  chunks.push(lines.slice(start).join('\n').trimEnd());
  return chunks;
}
