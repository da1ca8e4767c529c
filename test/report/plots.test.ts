import { test } from 'node:test';
import assert from 'node:assert/strict';
import { barChart, linePlot, scatterPlot } from '../../src/report/index.js';
import { decimate } from '../../src/report/series.js';
import { checkWellFormed } from './xml-check.js';

function wellFormed(svg: string): Map<string, number> {
  const r = checkWellFormed(svg);
  if (!r.ok) assert.fail(r.error);
  return r.elements;
}

/** Every `d` attribute of a <path> whose stroke is `color`. */
const pathsOf = (svg: string, color: string) => [...svg.matchAll(/<path d="([^"]*)" fill="none" stroke="([^"]*)"/g)].filter((m) => m[2] === color).map((m) => m[1]!);

test('the well-formedness checker rejects broken XML (so the plot tests can fail)', () => {
  for (const bad of ['<svg><g></svg>', '<svg a="1" a="2"/>', '<svg>a < b</svg>', '<svg>&nope</svg>', '<a/><b/>', '<svg x=1/>']) {
    assert.equal(checkWellFormed(bad).ok, false, bad);
  }
  assert.equal(checkWellFormed('<svg><g a="&amp;">x &lt; y</g><!-- c --></svg>').ok, true);
});

test('linePlot: well-formed, one path per series, legend, axis labels and nice tick labels', () => {
  const svg = linePlot({
    title: 'loss', xLabel: 'step', yLabel: 'loss',
    series: [
      { name: 'train', points: [[0, 10.4], [100, 6.2], [200, 4.1], [300, 3.3]] },
      { name: 'val', points: [[0, 10.5], [150, 5.0], [300, 3.6]] },
    ],
  });
  const els = wellFormed(svg);
  assert.equal(pathsOf(svg, '#4e79a7').length, 1);
  assert.equal(pathsOf(svg, '#f28e2b').length, 1);
  assert.equal(els.get('circle'), 7, 'short series get markers');
  for (const label of ['>loss<', '>step<', '>train<', '>val<']) assert.ok(svg.includes(label), label);
  // y data 3.3..10.5: range 7.2 → 10, step 10/5 = 2 → 2, 4, …, 12; x 0..300: 500/5 → step 100.
  for (const t of ['>2<', '>4<', '>12<', '>0<', '>100<', '>300<']) assert.ok(svg.includes(t), `tick ${t}`);
  assert.ok(!svg.includes('>14<'), 'no tick beyond the covering range');
});

test('linePlot: NaN and ±Inf points are skipped and break the line, not the plot', () => {
  const svg = linePlot({ title: 't', series: [{ name: 'a', points: [[0, 1], [1, 2], [2, NaN], [3, Infinity], [4, 3], [5, 4], [NaN, 5]] }] });
  wellFormed(svg);
  assert.ok(!/NaN|Infinity/.test(svg));
  const d = pathsOf(svg, '#4e79a7');
  assert.equal(d.length, 2, 'two runs around the gap');
  assert.equal((d[0]!.match(/[ML]/g) ?? []).length, 2);
  assert.equal((d[1]!.match(/[ML]/g) ?? []).length, 2);
  const empty = linePlot({ title: 'nothing', series: [{ name: 'a', points: [[NaN, NaN], [1, -Infinity]] }] });
  wellFormed(empty);
  assert.ok(empty.includes('>no data<'));
});

test('linePlot: log axes drop non-positive values and tick by decades', () => {
  const svg = linePlot({ title: 'lr', logY: true, series: [{ name: 'lr', points: [[0, 0], [1, 3e-5], [2, 3e-4], [3, -1], [4, 2e-3]] }] });
  wellFormed(svg);
  for (const t of ['1e−5', '1e−4', '0.001', '0.01']) assert.ok(svg.includes(`>${t}<`), t);
  assert.equal(pathsOf(svg, '#4e79a7').length, 2);
});

test('linePlot: the pixel position of a point follows the scale', () => {
  const svg = linePlot({ title: '', width: 400, height: 300, series: [{ name: 'a', points: [[0, 0], [10, 10], [5, 5]] }] });
  const [d] = pathsOf(svg, '#4e79a7');
  const pts = d!.slice(1).split('L').map((p) => p.split(',').map(Number) as [number, number]);
  // The middle point (5, 5) lies exactly halfway between the ends on both axes (ticks 0..10).
  assert.ok(Math.abs(pts[2]![0] - (pts[0]![0] + pts[1]![0]) / 2) < 0.02);
  assert.ok(Math.abs(pts[2]![1] - (pts[0]![1] + pts[1]![1]) / 2) < 0.02);
  assert.ok(pts[1]![1] < pts[0]![1], 'larger y is higher on screen');
});

test('decimate keeps first, last, minimum and maximum of each pixel column', () => {
  const run: [number, number][] = [];
  for (let i = 0; i < 100_000; i++) run.push([i, Math.sin(i / 500) + (i === 54_321 ? 50 : 0)]);
  const out = decimate(run, (x) => x / 100); // 1000 columns
  assert.ok(out.length <= 4000 && out.length >= 2000);
  assert.deepEqual(out[0], run[0]);
  assert.deepEqual(out[out.length - 1], run[run.length - 1]);
  assert.ok(out.some((p) => p[0] === 54_321), 'the spike survives');
  for (let i = 1; i < out.length; i++) assert.ok(out[i]![0] > out[i - 1]![0], 'order kept');
});

test('scatterPlot: one circle per drawable point, diagonal on request', () => {
  const svg = scatterPlot({
    title: 'RM vs judge', xLabel: 'judge', yLabel: 'RM', diagonal: true,
    series: [{ name: 'helpful', points: [[1, 1.2], [2, 1.8], [3, NaN]] }, { name: 'safe', points: [[0.5, 0.4], [Infinity, 2]] }],
  });
  const els = wellFormed(svg);
  assert.equal(els.get('circle'), 3 + 2, '3 drawable points + 2 legend dots');
  assert.ok(svg.includes('stroke-dasharray="4 4"'));
});

test('barChart: bar heights are proportional to values from a zero baseline; NaN draws no bar', () => {
  const svg = barChart({ title: 'accuracy', categories: ['sig. better', 'better', 'slightly', 'negligible'], series: [{ name: 'RM', values: [1, 2, 4, NaN] }] });
  wellFormed(svg);
  const heights = [...svg.matchAll(/<rect x="[^"]*" y="[^"]*" width="[^"]*" height="([^"]*)" fill="#4e79a7"/g)].map((m) => Number(m[1]));
  assert.equal(heights.length, 3);
  assert.ok(Math.abs(heights[1]! / heights[0]! - 2) < 0.02 && Math.abs(heights[2]! / heights[0]! - 4) < 0.02, heights.join(' '));
});

test('barChart: grouped series and negative values', () => {
  const svg = barChart({ title: 'rates', valueLabels: true, categories: ['SFT', 'RLHF-v1'], series: [{ name: 'violation', values: [0.2, -0.1] }, { name: 'false refusal', values: [0.05, 0.07] }] });
  wellFormed(svg);
  assert.equal((svg.match(/fill="#4e79a7"/g) ?? []).length, 3, '2 bars + legend swatch');
  assert.ok(svg.includes('>−0.1<') || svg.includes('>-0.1<'));
});

test('user text in titles, labels and series names is escaped', () => {
  const evil = '<script>alert("x")</script> & co';
  for (const svg of [
    linePlot({ title: evil, xLabel: evil, series: [{ name: evil, points: [[0, 1]] }, { name: 'b', points: [[1, 2]] }] }),
    barChart({ title: evil, categories: [evil], series: [{ name: evil, values: [1] }, { name: 'b', values: [2] }] }),
  ]) {
    wellFormed(svg);
    assert.ok(!svg.includes('<script'));
    assert.ok(svg.includes('&lt;script&gt;alert(&quot;x&quot;)'));
  }
});
