// The few SVG building blocks the plots share: an element writer that escapes every attribute and text, a
// number format that keeps files small, and the colour palette. Plots are strings: no DOM, no dependencies.
import { escapeXml } from './escape.js';

/** Tableau 10: distinguishable for the common colour-vision deficiencies and on white and grey backgrounds. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'] as const;
export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif';

export const colorAt = (i: number): string => PALETTE[i % PALETTE.length]!;

/** A coordinate with at most two decimals (a hundredth of a pixel is below what a screen shows). */
export const num = (v: number): string => String(Math.round(v * 100) / 100);

type AttrValue = string | number | undefined;

/** `<name a="…">children</name>`, or self-closing without children. Attribute values are escaped; children
 * are markup already (use `textEl` for text). */
export function el(name: string, attrs: Record<string, AttrValue>, children?: string): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(typeof v === 'number' ? num(v) : v!)}"`)
    .join('');
  return children === undefined ? `<${name}${a}/>` : `<${name}${a}>${children}</${name}>`;
}

/** A `<text>` element whose content is escaped. */
export function textEl(x: number, y: number, content: string, attrs: Record<string, AttrValue> = {}): string {
  return el('text', { x, y, ...attrs }, escapeXml(content));
}

/** Wraps the parts into a standalone SVG document (usable as a .svg file or inlined in HTML). */
export function svgDocument(width: number, height: number, title: string, parts: readonly string[]): string {
  return el(
    'svg',
    { xmlns: 'http://www.w3.org/2000/svg', width, height, viewBox: `0 0 ${num(width)} ${num(height)}`, 'font-family': FONT, 'font-size': 12, role: 'img' },
    `${el('title', {}, escapeXml(title))}${el('rect', { width, height, fill: '#ffffff' })}${parts.join('')}`,
  );
}
