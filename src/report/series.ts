// Helpers the charts share for turning caller data into drawable points: drop what cannot be drawn (NaN,
// ±Inf, non-positive values on a log axis) instead of failing, and compute the data range for the ticks.
import { linearTicks, logTicks, type Ticks } from './ticks.js';

export type Point = readonly [number, number];

export interface Series {
  name: string;
  points: readonly Point[];
  /** Overrides the palette colour (CSS colour). */
  color?: string;
}

/** Whether v can be placed on the axis (finite; positive on a log axis). */
export const drawable = (v: number, log: boolean): boolean => Number.isFinite(v) && (!log || v > 0);

/** Ticks covering every drawable value; `include` adds values that must be in range (e.g. 0 for bars). */
export function ticksFor(values: Iterable<number>, log: boolean, include: readonly number[] = []): Ticks {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!drawable(v, log)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  for (const v of include) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return log ? logTicks(1, 10) : linearTicks(0, 1);
  return log ? logTicks(lo, hi) : linearTicks(lo, hi);
}

/** Splits a series into runs of drawable points; a skipped point leaves a gap in the line. */
export function drawableRuns(points: readonly Point[], logX: boolean, logY: boolean): Point[][] {
  const runs: Point[][] = [];
  let run: Point[] = [];
  for (const p of points) {
    if (drawable(p[0], logX) && drawable(p[1], logY)) run.push(p);
    else if (run.length > 0) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** Reduces a long run (a million training steps) to the first, lowest, highest and last point of each pixel
 * column, which draws the same picture (spikes included) with a few thousand points. */
export function decimate(run: readonly Point[], px: (x: number) => number): Point[] {
  if (run.length <= 4000) return [...run];
  const out: Point[] = [];
  let col = NaN;
  let bucket: Point[] = [];
  const flush = () => {
    if (bucket.length === 0) return;
    let iMin = 0;
    let iMax = 0;
    bucket.forEach((p, i) => {
      if (p[1] < bucket[iMin]![1]) iMin = i;
      if (p[1] > bucket[iMax]![1]) iMax = i;
    });
    const keep = [...new Set([0, iMin, iMax, bucket.length - 1])].sort((a, b) => a - b);
    for (const i of keep) out.push(bucket[i]!);
    bucket = [];
  };
  for (const p of run) {
    const c = Math.floor(px(p[0]));
    if (c !== col) {
      flush();
      col = c;
    }
    bucket.push(p);
  }
  flush();
  return out;
}
