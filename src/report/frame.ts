// The frame every chart draws its data into: title, plot area, grid, axes with tick labels, axis labels and a
// legend on the right. A chart computes its ticks, asks for a frame, and renders its marks with `sx`/`sy`.
import { formatTick, type Ticks } from './ticks.js';
import { escapeXml } from './escape.js';
import { el, num, svgDocument, textEl } from './svg.js';

export type XAxis = { kind: 'linear' | 'log'; ticks: Ticks } | { kind: 'band'; categories: readonly string[] };
export type YAxis = { kind: 'linear' | 'log'; ticks: Ticks };

export interface LegendEntry {
  name: string;
  color: string;
  mark: 'line' | 'dot' | 'box';
}

export interface FrameOptions {
  title: string;
  xLabel?: string | undefined;
  yLabel?: string | undefined;
  width: number;
  height: number;
  x: XAxis;
  y: YAxis;
  /** Shown only when there are two or more entries: one series needs no key. */
  legend: readonly LegendEntry[];
}

export interface Frame {
  /** Plot area in pixels. */
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  /** Data → pixel. For a band axis, sx(i) is the centre of category i. */
  sx: (v: number) => number;
  sy: (v: number) => number;
  /** Width of one category (band axes), 0 otherwise. */
  band: number;
  /** The whole SVG document with `body` (the marks) clipped to the plot area and `overlay` (labels) on top. */
  render: (body: string, overlay?: string) => string;
}

const CHAR_W = 6.6; // average glyph width at 12px, to size margins without measuring text
const AXIS = '#444444';
const GRID = '#e6e6e6';

export function makeFrame(o: FrameOptions): Frame {
  const yLabels = o.y.ticks.values.map((v) => formatTick(v, o.y.ticks.step));
  const showLegend = o.legend.length > 1;
  const legendW = showLegend ? 36 + CHAR_W * Math.max(...o.legend.map((e) => Math.min(e.name.length, 28))) : 0;
  const x0 = 14 + (o.yLabel ? 18 : 0) + CHAR_W * Math.max(...yLabels.map((s) => s.length)) + 8;
  const x1 = o.width - 16 - legendW;
  const y0 = o.title ? 40 : 16;
  const bandCount = o.x.kind === 'band' ? Math.max(1, o.x.categories.length) : 1;
  const bandLabels = o.x.kind === 'band' ? o.x.categories.map((c) => wrapLabel(c, Math.max(4, Math.floor((x1 - x0) / bandCount / CHAR_W) - 1))) : [];
  const labelLines = Math.max(1, ...bandLabels.map((l) => l.length));
  const y1 = o.height - (o.xLabel ? 50 : 32) - 14 * (labelLines - 1);

  const linear = (lo: number, hi: number, p0: number, p1: number, log: boolean) => {
    const f = log ? Math.log10 : (v: number) => v;
    const a = f(lo);
    const span = f(hi) - a || 1;
    return (v: number) => p0 + ((f(v) - a) / span) * (p1 - p0);
  };
  const sy = linear(o.y.ticks.lo, o.y.ticks.hi, y1, y0, o.y.kind === 'log');
  let sx: (v: number) => number;
  let band = 0;
  if (o.x.kind === 'band') {
    band = (x1 - x0) / Math.max(1, o.x.categories.length);
    sx = (i: number) => x0 + (i + 0.5) * band;
  } else {
    sx = linear(o.x.ticks.lo, o.x.ticks.hi, x0, x1, o.x.kind === 'log');
  }

  const parts: string[] = [];
  if (o.title) parts.push(textEl(o.width / 2, 24, o.title, { 'text-anchor': 'middle', 'font-size': 15, 'font-weight': 600, fill: '#222222' }));

  // Horizontal grid and y tick labels.
  o.y.ticks.values.forEach((v, i) => {
    const y = sy(v);
    parts.push(el('line', { x1: x0, x2: x1, y1: y, y2: y, stroke: GRID }));
    parts.push(textEl(x0 - 7, y + 4, yLabels[i]!, { 'text-anchor': 'end', fill: AXIS }));
  });
  // Vertical grid and x tick labels.
  if (o.x.kind === 'band') {
    // Category names wrap onto up to three lines under their bar group.
    bandLabels.forEach((lines, i) => {
      const tspans = lines.map((l, k) => el('tspan', { x: sx(i), dy: k === 0 ? 0 : 14 }, escapeXml(l))).join('');
      parts.push(el('text', { x: sx(i), y: y1 + 18, 'text-anchor': 'middle', fill: AXIS }, tspans));
    });
  } else {
    const t = o.x.ticks;
    for (const v of t.values) {
      const x = sx(v);
      parts.push(el('line', { x1: x, x2: x, y1: y0, y2: y1, stroke: GRID }));
      parts.push(textEl(x, y1 + 18, formatTick(v, t.step), { 'text-anchor': 'middle', fill: AXIS }));
    }
  }
  parts.push(el('path', { d: `M${num(x0)},${num(y0)}V${num(y1)}H${num(x1)}`, fill: 'none', stroke: AXIS }));
  if (o.xLabel) parts.push(textEl((x0 + x1) / 2, o.height - 12, o.xLabel, { 'text-anchor': 'middle', fill: '#222222' }));
  if (o.yLabel) {
    const cy = (y0 + y1) / 2;
    parts.push(textEl(16, cy, o.yLabel, { 'text-anchor': 'middle', fill: '#222222', transform: `rotate(-90 16 ${num(cy)})` }));
  }

  const legend = showLegend ? renderLegend(o.legend, x1 + 16, y0) : '';
  // Element ids are global in an HTML page holding several plots, so the clip id is derived from the plot.
  const clipId = `clip-${hashString(`${o.title}|${o.width}|${o.height}|${o.legend.map((e) => e.name).join('|')}`)}`;
  const clip = el('clipPath', { id: clipId }, el('rect', { x: x0, y: y0 - 4, width: x1 - x0, height: y1 - y0 + 4 }));
  return {
    x0, x1, y0, y1, sx, sy, band,
    render: (body, overlay = '') =>
      svgDocument(o.width, o.height, o.title, [el('defs', {}, clip), ...parts, el('g', { 'clip-path': `url(#${clipId})` }, body), overlay, legend]),
  };
}

function renderLegend(entries: readonly LegendEntry[], x: number, y: number): string {
  return entries
    .map((e, i) => {
      const cy = y + 8 + i * 18;
      const name = e.name.length > 28 ? `${e.name.slice(0, 27)}…` : e.name;
      const swatch =
        e.mark === 'line' ? el('line', { x1: x, x2: x + 20, y1: cy, y2: cy, stroke: e.color, 'stroke-width': 2.5 })
        : e.mark === 'dot' ? el('circle', { cx: x + 10, cy, r: 4, fill: e.color })
        : el('rect', { x: x + 4, y: cy - 6, width: 12, height: 12, fill: e.color });
      return swatch + textEl(x + 26, cy + 4, name, { fill: '#222222' });
    })
    .join('');
}

/** Greedy word wrap into at most three lines of `width` characters; the last line ends in … if cut. */
export function wrapLabel(label: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of label.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  const out = lines.slice(0, 3).map((l) => (l.length > width ? `${l.slice(0, width - 1)}…` : l));
  if (lines.length > 3) out[2] = `${out[2]!.slice(0, width - 1)}…`;
  return out.length > 0 ? out : [''];
}

/** FNV-1a, hex: a short stable id. */
function hashString(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16);
}
