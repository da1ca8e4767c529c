// Axis ticks at "nice" numbers (1, 2 or 5 times a power of ten) that cover the data range, after Heckbert,
// "Nice numbers for graph labels", Graphics Gems (1990). Log axes get one tick per decade, with 2 and 5 added
// when the data spans fewer than three decades.

export interface Ticks {
  /** Axis limits: the outermost ticks, so the data range [min, max] lies inside [lo, hi]. */
  lo: number;
  hi: number;
  values: number[];
  /** Spacing between ticks (linear axes), used to choose the number of decimals in labels. */
  step: number;
}

/** The nice number nearest to x (round) or the smallest nice number ≥ x (ceiling). */
export function niceNumber(x: number, round: boolean): number {
  const exp = Math.floor(Math.log10(x));
  const f = x / 10 ** exp;
  const nf = round ? (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) : f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
  return nf * 10 ** exp;
}

/** About `count` nice ticks covering [min, max]. A zero-width range is widened so the axis is never empty. */
export function linearTicks(min: number, max: number, count = 6): Ticks {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return linearTicks(0, 1, count);
  if (min > max) [min, max] = [max, min];
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    min -= pad;
    max += pad;
  }
  const step = niceNumber(niceNumber(max - min, false) / Math.max(1, count - 1), true);
  const decimals = decimalsFor(step);
  // Round through toFixed so that 0.1 + 0.2 is drawn as 0.3, not 0.30000000000000004.
  const at = (k: number) => Number((k * step).toFixed(decimals + 1));
  const k0 = Math.floor(min / step + 1e-9);
  const k1 = Math.ceil(max / step - 1e-9);
  const values: number[] = [];
  for (let k = k0; k <= k1; k++) values.push(at(k));
  return { lo: at(k0), hi: at(k1), values, step };
}

/** Ticks for a log10 axis over the positive range [min, max]. */
export function logTicks(min: number, max: number): Ticks {
  if (!(min > 0) || !(max > 0) || !Number.isFinite(min) || !Number.isFinite(max)) return logTicks(1, 10);
  if (min > max) [min, max] = [max, min];
  const e0 = Math.floor(Math.log10(min) + 1e-9);
  let e1 = Math.ceil(Math.log10(max) - 1e-9);
  if (e1 === e0) e1 = e0 + 1;
  const mults = e1 - e0 < 3 ? [1, 2, 5] : [1];
  const values: number[] = [];
  for (let e = e0; e <= e1; e++) {
    for (const m of mults) {
      const v = Number((m * 10 ** e).toPrecision(12));
      if (e === e1 && m > 1) break;
      values.push(v);
    }
  }
  return { lo: 10 ** e0, hi: 10 ** e1, values, step: NaN };
}

/** A short label for a tick value: fixed decimals matching the step, SI suffixes for large numbers, and
 * exponent notation for tiny ones (learning rates). */
export function formatTick(v: number, step: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4) {
    for (const [div, suffix] of [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']] as const) {
      if (a >= div) return `${trimZeros((v / div).toFixed(Number.isFinite(step) ? decimalsFor(step / div) : 1))}${suffix}`;
    }
  }
  if (a < 1e-3) return trimZeros(v.toExponential(1)).replace('e-', 'e−');
  if (!Number.isFinite(step)) return String(Number(v.toPrecision(6)));
  return v.toFixed(Math.min(decimalsFor(step), 10));
}

/** Decimals needed to write multiples of `step` exactly (step is 1, 2 or 5 times a power of ten). */
function decimalsFor(step: number): number {
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}

function trimZeros(s: string): string {
  return s.replace(/\.0+(?=$|e)/, '').replace(/(\.\d*?)0+(?=$|e)/, '$1');
}
