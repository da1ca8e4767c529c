// Progress reporting on stderr: a live bar with rate and ETA on a terminal, and a line every few seconds when
// stderr is a file or a pipe (CI logs), so long work is never silent. Machine-readable output stays on stdout.

export interface ProgressOptions {
  /** Unit shown with the rate, e.g. "tok" → "1234 tok/s". */
  unit?: string;
  /** Seconds between lines when stderr is not a terminal. */
  logEverySeconds?: number;
  /** Silence all output (tests). */
  quiet?: boolean;
  stream?: NodeJS.WriteStream;
}

export class Progress {
  private done = 0;
  private readonly t0 = Date.now();
  private lastDraw = 0;
  private info = '';
  private finished = false;
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;
  private readonly unit: string;
  private readonly logEveryMs: number;
  private readonly quiet: boolean;

  constructor(
    private readonly label: string,
    private total: number,
    opts: ProgressOptions = {},
  ) {
    this.stream = opts.stream ?? process.stderr;
    this.tty = Boolean(this.stream.isTTY);
    this.unit = opts.unit ?? 'it';
    this.logEveryMs = (opts.logEverySeconds ?? 10) * 1000;
    this.quiet = opts.quiet ?? process.env.LLAMATS_QUIET === '1';
  }

  /** Advance by `n` units; `info` is free text shown after the bar (e.g. "loss 3.21"). */
  tick(n = 1, info?: string): void {
    this.done += n;
    if (info !== undefined) this.info = info;
    this.draw(false);
  }

  /** Set the absolute position. */
  update(done: number, info?: string): void {
    this.done = done;
    if (info !== undefined) this.info = info;
    this.draw(false);
  }

  setTotal(total: number): void {
    this.total = total;
  }

  finish(info?: string): void {
    if (this.finished) return;
    if (info !== undefined) this.info = info;
    this.finished = true;
    this.draw(true);
  }

  /** Seconds since start. */
  elapsed(): number {
    return (Date.now() - this.t0) / 1000;
  }

  private draw(final: boolean): void {
    if (this.quiet) return;
    const now = Date.now();
    const interval = this.tty ? 100 : this.logEveryMs;
    if (!final && now - this.lastDraw < interval) return;
    this.lastDraw = now;
    const secs = Math.max(1e-9, (now - this.t0) / 1000);
    const rate = this.done / secs;
    const frac = this.total > 0 ? Math.min(1, this.done / this.total) : 0;
    const eta = rate > 0 && this.total > 0 ? Math.max(0, (this.total - this.done) / rate) : NaN;
    const width = 24;
    const filled = Math.round(frac * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    const line =
      `${this.label} ${bar} ${(frac * 100).toFixed(0).padStart(3)}% ${fmtCount(this.done)}/${fmtCount(this.total)} ` +
      `${fmtCount(rate)} ${this.unit}/s ${final ? `in ${fmtTime(secs)}` : `ETA ${fmtTime(eta)}`}` +
      (this.info ? ` | ${this.info}` : '');
    if (this.tty) this.stream.write(`\r\x1b[2K${line}${final ? '\n' : ''}`);
    else this.stream.write(`${line}\n`);
  }
}

export function fmtCount(n: number): string {
  if (!Number.isFinite(n)) return '?';
  if (Math.abs(n) >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (Math.abs(n) >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (Math.abs(n) >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

export function fmtTime(secs: number): string {
  if (!Number.isFinite(secs)) return '--:--';
  const s = Math.round(secs);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}` : `${m}:${String(r).padStart(2, '0')}`;
}

/** A one-line log message on stderr (never stdout, which is for machine-readable output). */
export function log(msg: string): void {
  if (process.env.LLAMATS_QUIET === '1') return;
  process.stderr.write(`${msg}\n`);
}
