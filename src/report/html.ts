// One self-contained HTML report: inline CSS and inline SVG, no scripts, no fonts or files from elsewhere, so
// the file can be mailed, archived and opened offline years later exactly as it was written.
import { escapeHtml } from './escape.js';
import { table, type Cell } from './table.js';

export interface ReportSection {
  heading: string;
  /** Plain text; escaped, blank lines start new paragraphs. */
  text?: string;
  /** A table of escaped cells. */
  table?: { head?: readonly string[]; rows: readonly (readonly Cell[])[] };
  /** SVG documents from linePlot / scatterPlot / barChart (trusted: produced by this module). */
  svg?: string | readonly string[];
  /** Raw HTML, inserted as is: only for markup the caller built itself (e.g. with `table`), never user text. */
  html?: string;
}

export interface ReportOptions {
  title: string;
  /** A line under the title (run id, date, config file). Escaped. */
  subtitle?: string;
  sections: readonly ReportSection[];
}

const CSS = `
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#222;margin:0;background:#f6f6f4}
main{max-width:1100px;margin:0 auto;padding:24px 32px 64px;background:#fff;min-height:100vh}
h1{font-size:26px;margin:8px 0 4px}h2{font-size:19px;margin:36px 0 10px;padding-bottom:4px;border-bottom:1px solid #ddd}
.sub{color:#666;margin:0 0 16px}p{margin:8px 0;max-width:80ch;white-space:pre-wrap}
.plots{display:flex;flex-wrap:wrap;gap:16px}.plots svg{max-width:100%;height:auto;border:1px solid #eee}
table{border-collapse:collapse;margin:10px 0;font-size:14px}th,td{padding:4px 12px;border-bottom:1px solid #e4e4e4;text-align:left}
th{background:#f3f3f3;font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
nav{font-size:14px;color:#555}nav a{color:#2a5d9f;margin-right:14px;text-decoration:none}
`.trim();

/** A complete HTML document. Headings get anchors and a table of contents when there are three or more. */
export function htmlReport(o: ReportOptions): string {
  const ids = o.sections.map((s, i) => `s${i + 1}-${s.heading.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`);
  const nav = o.sections.length >= 3
    ? `<nav>${o.sections.map((s, i) => `<a href="#${ids[i]}">${escapeHtml(s.heading)}</a>`).join('')}</nav>`
    : '';
  const body = o.sections.map((s, i) => {
    const parts = [`<h2 id="${ids[i]}">${escapeHtml(s.heading)}</h2>`];
    if (s.text !== undefined) parts.push(...s.text.split(/\n\s*\n/).map((p) => `<p>${escapeHtml(p.trim())}</p>`));
    if (s.table) parts.push(table(s.table.rows, s.table.head ? { head: s.table.head } : {}));
    if (s.svg !== undefined) parts.push(`<div class="plots">${(typeof s.svg === 'string' ? [s.svg] : s.svg).join('\n')}</div>`);
    if (s.html !== undefined) parts.push(s.html);
    return `<section>\n${parts.join('\n')}\n</section>`;
  });
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(o.title)}</title>`,
    `<style>${CSS}</style></head><body><main>`,
    `<h1>${escapeHtml(o.title)}</h1>`,
    o.subtitle !== undefined ? `<p class="sub">${escapeHtml(o.subtitle)}</p>` : '',
    nav,
    ...body,
    '</main></body></html>',
    '',
  ].join('\n');
}
