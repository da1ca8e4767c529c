// Grouped bar charts: reward-model accuracy per rating bucket (Llama 2 Table 8), violation and false-refusal
// rates per stage, filter removals per source.
import { makeFrame } from './frame.js';
import { ticksFor } from './series.js';
import { colorAt, el, textEl } from './svg.js';
import { formatTick } from './ticks.js';

export interface BarSeries {
  name: string;
  /** One value per category; NaN/±Inf draws no bar. */
  values: readonly number[];
  color?: string;
}

export interface BarChartOptions {
  title: string;
  categories: readonly string[];
  series: readonly BarSeries[];
  xLabel?: string;
  yLabel?: string;
  /** Write each bar's value above it. */
  valueLabels?: boolean;
  width?: number;
  height?: number;
}

/** An SVG grouped bar chart: one group per category, one bar per series; the value axis always includes 0. */
export function barChart(o: BarChartOptions): string {
  const values = o.series.flatMap((s) => s.values);
  const ticks = ticksFor(values, false, [0]);
  const frame = makeFrame({
    title: o.title, xLabel: o.xLabel, yLabel: o.yLabel,
    width: o.width ?? defaultWidth(o), height: o.height ?? 400,
    x: { kind: 'band', categories: o.categories }, y: { kind: 'linear', ticks },
    legend: o.series.map((s, i) => ({ name: s.name, color: s.color ?? colorAt(i), mark: 'box' as const })),
  });
  const groupW = frame.band * 0.8;
  const barW = groupW / Math.max(1, o.series.length);
  const zero = frame.sy(0);
  const marks: string[] = [];
  const labels: string[] = [];
  o.categories.forEach((_, c) => {
    o.series.forEach((s, i) => {
      const v = s.values[c];
      if (v === undefined || !Number.isFinite(v)) return;
      const x = frame.sx(c) - groupW / 2 + i * barW;
      const y = frame.sy(v);
      marks.push(el('rect', { x: x + 1, y: Math.min(y, zero), width: Math.max(1, barW - 2), height: Math.abs(zero - y), fill: s.color ?? colorAt(i) }));
      if (o.valueLabels) {
        const label = formatTick(v, ticks.step / 10);
        labels.push(textEl(x + barW / 2, v >= 0 ? y - 4 : y + 13, label, { 'text-anchor': 'middle', 'font-size': 10, fill: '#333333' }));
      }
    });
  });
  return frame.render(marks.join(''), labels.join(''));
}

/** Room for every group (about 26 px per bar plus a gap) and for the legend beside the plot. */
function defaultWidth(o: BarChartOptions): number {
  const legend = o.series.length > 1 ? 40 + 6.6 * Math.max(...o.series.map((s) => Math.min(28, s.name.length))) : 0;
  return Math.round(Math.max(480, 100 + legend + o.categories.length * (40 + 26 * o.series.length)));
}
