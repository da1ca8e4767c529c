// The public face of src/report: hand-written SVG charts and a self-contained HTML report.
export { linePlot, type LinePlotOptions } from './line-plot.js';
export { scatterPlot, type ScatterPlotOptions } from './scatter-plot.js';
export { barChart, type BarChartOptions, type BarSeries } from './bar-chart.js';
export { htmlReport, type ReportOptions, type ReportSection } from './html.js';
export { table, formatCell, type Cell } from './table.js';
export { escapeHtml, escapeXml } from './escape.js';
export type { Point, Series } from './series.js';
