// A user's own text: every .txt and .md file under a folder is one document, and every line of a .jsonl file
// is one document `{"text": "…", "id"?: "…", "domain"?: "…"}`. Files are read in sorted path order so the
// document order (and so every seeded step after it) is the same on every machine.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ConfigError, FileFormatError } from '../../util/errors.js';
import type { Doc, Domain } from '../doc.js';
import { takeLimit, type SourceOptions } from './limit.js';

export interface FolderOptions extends SourceOptions {
  /** Domain of the documents that do not name one (default "general"). */
  domain?: Domain;
}

export function loadFolder(root: string, opts: FolderOptions = {}): Doc[] {
  let isDir = false;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    throw new ConfigError('folder source', 'path', 'an existing folder', JSON.stringify(root));
  }
  if (!isDir) throw new ConfigError('folder source', 'path', 'a folder', `${JSON.stringify(root)} (a file)`);
  const domain = opts.domain ?? 'general';
  const docs: Doc[] = [];
  for (const path of walk(root)) {
    const rel = relative(root, path);
    const source = `folder:${root}`;
    if (/\.(txt|md)$/i.test(path)) {
      docs.push({ id: `folder/${rel}`, domain, source, text: readFileSync(path, 'utf8') });
    } else if (/\.jsonl$/i.test(path)) {
      readFileSync(path, 'utf8').split('\n').forEach((line, i) => {
        if (line.trim() === '') return;
        let row: unknown;
        try {
          row = JSON.parse(line);
        } catch (e) {
          throw new FileFormatError(path, `line ${i + 1}`, 'a JSON object', (e as Error).message);
        }
        const r = row as { text?: unknown; id?: unknown; domain?: unknown };
        if (typeof row !== 'object' || row === null || typeof r.text !== 'string') {
          throw new FileFormatError(path, `line ${i + 1}: text`, 'a string field "text"', JSON.stringify(line.slice(0, 60)));
        }
        if (r.domain !== undefined && typeof r.domain !== 'string') throw new FileFormatError(path, `line ${i + 1}: domain`, 'a string', typeof r.domain);
        docs.push({ id: typeof r.id === 'string' ? r.id : `folder/${rel}:${i + 1}`, domain: (r.domain as string | undefined) ?? domain, source, text: r.text });
      });
    }
  }
  return takeLimit(docs, opts.limit);
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));
}
