// Line plots: loss curves, learning-rate schedules, gradient norms, tokens/s, win rates per round.
import { makeFrame } from './frame.js';
import { decimate, drawableRuns, ticksFor, type Series } from './series.js';
import { colorAt, el, num, textEl } from './svg.js';

export interface LinePlotOptions {
  title: string;
  xLabel?: string;
  yLabel?: string;
  series: readonly Series[];
  logX?: boolean;
  logY?: boolean;
  width?: number;
  height?: number;
}

/** An SVG line chart. Points that cannot be drawn (NaN, ±Inf, ≤ 0 on a log axis) are skipped and leave a gap.
 * Short series (≤ 40 points) also get a marker at each point. */
export function linePlot(o: LinePlotOptions): string {
  const logX = o.logX ?? false;
  const logY = o.logY ?? false;
  const all = o.series.flatMap((s) => s.points);
  const frame = makeFrame({
    title: o.title, xLabel: o.xLabel, yLabel: o.yLabel, width: o.width ?? 720, height: o.height ?? 400,
    x: { kind: logX ? 'log' : 'linear', ticks: ticksFor(all.map((p) => p[0]), logX) },
    y: { kind: logY ? 'log' : 'linear', ticks: ticksFor(all.filter((p) => Number.isFinite(p[0])).map((p) => p[1]), logY) },
    legend: o.series.map((s, i) => ({ name: s.name, color: s.color ?? colorAt(i), mark: 'line' as const })),
  });
  const marks: string[] = [];
  let drawn = 0;
  o.series.forEach((s, i) => {
    const color = s.color ?? colorAt(i);
    for (const run of drawableRuns(s.points, logX, logY)) {
      drawn += run.length;
      const pts = decimate(run, frame.sx);
      const d = pts.map((p, k) => `${k === 0 ? 'M' : 'L'}${num(frame.sx(p[0]))},${num(frame.sy(p[1]))}`).join('');
      marks.push(el('path', { d, fill: 'none', stroke: color, 'stroke-width': 2, 'stroke-linejoin': 'round', 'stroke-linecap': 'round' }));
      if (s.points.length <= 40) for (const p of pts) marks.push(el('circle', { cx: frame.sx(p[0]), cy: frame.sy(p[1]), r: 3, fill: color }));
    }
  });
  if (drawn === 0) marks.push(textEl((frame.x0 + frame.x1) / 2, (frame.y0 + frame.y1) / 2, 'no data', { 'text-anchor': 'middle', fill: '#888888' }));
  return frame.render(marks.join(''));
}
