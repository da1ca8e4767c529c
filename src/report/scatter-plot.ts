// Scatter plots: reward-model score against judge score, length against reward, and the like.
import { makeFrame } from './frame.js';
import { drawable, ticksFor, type Series } from './series.js';
import { colorAt, el, textEl } from './svg.js';

export interface ScatterPlotOptions {
  title: string;
  xLabel?: string;
  yLabel?: string;
  series: readonly Series[];
  logX?: boolean;
  logY?: boolean;
  /** Draw the line y = x (for "predicted against actual" plots). */
  diagonal?: boolean;
  width?: number;
  height?: number;
}

/** An SVG scatter plot; undrawable points (NaN, ±Inf, ≤ 0 on a log axis) are skipped. */
export function scatterPlot(o: ScatterPlotOptions): string {
  const logX = o.logX ?? false;
  const logY = o.logY ?? false;
  const pts = o.series.flatMap((s) => s.points.filter((p) => drawable(p[0], logX) && drawable(p[1], logY)));
  const frame = makeFrame({
    title: o.title, xLabel: o.xLabel, yLabel: o.yLabel, width: o.width ?? 560, height: o.height ?? 440,
    x: { kind: logX ? 'log' : 'linear', ticks: ticksFor(pts.map((p) => p[0]), logX) },
    y: { kind: logY ? 'log' : 'linear', ticks: ticksFor(pts.map((p) => p[1]), logY) },
    legend: o.series.map((s, i) => ({ name: s.name, color: s.color ?? colorAt(i), mark: 'dot' as const })),
  });
  const marks: string[] = [];
  if (o.diagonal) {
    // y = x over the data range; the clip path trims it to the plot area.
    let v0 = Infinity;
    let v1 = -Infinity;
    for (const p of pts) for (const v of p) [v0, v1] = [Math.min(v0, v), Math.max(v1, v)];
    if (v0 < v1) marks.push(el('line', { x1: frame.sx(v0), y1: frame.sy(v0), x2: frame.sx(v1), y2: frame.sy(v1), stroke: '#999999', 'stroke-dasharray': '4 4' }));
  }
  o.series.forEach((s, i) => {
    const color = s.color ?? colorAt(i);
    const radius = s.points.length > 500 ? 2 : 3.5;
    for (const p of s.points) {
      if (!drawable(p[0], logX) || !drawable(p[1], logY)) continue;
      marks.push(el('circle', { cx: frame.sx(p[0]), cy: frame.sy(p[1]), r: radius, fill: color, 'fill-opacity': 0.65 }));
    }
  });
  if (pts.length === 0) marks.push(textEl((frame.x0 + frame.x1) / 2, (frame.y0 + frame.y1) / 2, 'no data', { 'text-anchor': 'middle', fill: '#888888' }));
  return frame.render(marks.join(''));
}
