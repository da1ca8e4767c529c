// HTML tables with every cell escaped. Numbers are right-aligned and written with a sensible precision so that
// a report of metrics reads like a paper's table.
import { escapeHtml } from './escape.js';

export type Cell = string | number | boolean | null | undefined;

export interface TableOptions {
  /** Header row. */
  head?: readonly string[];
  /** Significant digits for non-integer numbers (default 4). */
  digits?: number;
}

/** Formats a number for a table: integers with thin-space thousands, others to `digits` significant digits. */
export function formatCell(v: Cell, digits = 4): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
    if (Number.isInteger(v)) return v.toLocaleString('en-US');
    return Number(v.toPrecision(digits)).toString();
  }
  return String(v);
}

/** An HTML `<table>`; cells are text (escaped), never markup. */
export function table(rows: readonly (readonly Cell[])[], opts: TableOptions = {}): string {
  const cell = (tag: 'td' | 'th', v: Cell) =>
    `<${tag}${typeof v === 'number' ? ' class="num"' : ''}>${escapeHtml(formatCell(v, opts.digits))}</${tag}>`;
  const head = opts.head ? `<thead><tr>${opts.head.map((h) => cell('th', h)).join('')}</tr></thead>` : '';
  const body = rows.map((r) => `<tr>${r.map((v) => cell('td', v)).join('')}</tr>`).join('\n');
  return `<table>${head}<tbody>\n${body}\n</tbody></table>`;
}
