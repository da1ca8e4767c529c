// The run's record: one JSON line per logged step or evaluation in metrics.jsonl (appended as the run goes, so a
// killed run keeps its history), and SVG plots of it (train/val loss, learning rate, gradient norm, tokens/s).
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { linePlot, type Point } from '../report/index.js';
import { readJsonl, writeFileAtomic } from '../util/fs.js';

export interface TrainRow {
  kind: 'train';
  /** Optimizer steps completed. */
  step: number;
  tokens: number;
  loss: number;
  lr: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  seqLen: number;
  batchSize: number;
  /** Throughput of this step (wall clock; not part of the bit-exact record). */
  tokPerSec: number;
}

export interface EvalRow {
  kind: 'eval';
  step: number;
  tokens: number;
  valLoss: number;
  valPpl: number;
}

/** The final comparison of the Polyak average with the last checkpoint (Llama 3 §3.4.3). */
export interface AverageRow {
  kind: 'average';
  step: number;
  checkpoints: number[];
  valLossLast: number;
  valLossAverage: number;
}

export type MetricsRow = TrainRow | EvalRow | AverageRow;

export class MetricsLog {
  readonly path: string;

  constructor(out: string) {
    this.path = join(out, 'metrics.jsonl');
    mkdirSync(dirname(this.path), { recursive: true });
  }

  append(row: MetricsRow): void {
    appendFileSync(this.path, `${JSON.stringify(row)}\n`);
  }

  rows(): MetricsRow[] {
    return existsSync(this.path) ? readJsonl<MetricsRow>(this.path) : [];
  }

  /** Drops rows after `step` (a resumed run re-logs the steps after its checkpoint); missing file = empty log. */
  truncateAfter(step: number): void {
    const keep = this.rows().filter((r) => r.step <= step && r.kind !== 'average');
    writeFileAtomic(this.path, keep.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }

  /** Writes loss.svg, lr.svg, grad-norm.svg and throughput.svg next to metrics.jsonl. */
  writePlots(): void {
    const rows = this.rows();
    const train = rows.filter((r): r is TrainRow => r.kind === 'train');
    const evals = rows.filter((r): r is EvalRow => r.kind === 'eval');
    const pts = <R extends MetricsRow>(rs: R[], y: (r: R) => number): Point[] => rs.map((r) => [r.step, y(r)] as const);
    const dir = dirname(this.path);
    const plots: [string, string][] = [
      ['loss.svg', linePlot({ title: 'Loss', xLabel: 'step', yLabel: 'nats/token', series: [
        { name: 'train', points: pts(train, (r) => r.loss) },
        { name: 'validation', points: pts(evals, (r) => r.valLoss) },
      ] })],
      ['lr.svg', linePlot({ title: 'Learning rate', xLabel: 'step', yLabel: 'lr', series: [{ name: 'lr', points: pts(train, (r) => r.lr) }] })],
      ['grad-norm.svg', linePlot({ title: 'Gradient norm (before clipping)', xLabel: 'step', yLabel: '‖g‖', series: [{ name: 'grad norm', points: pts(train, (r) => r.gradNorm) }] })],
      ['throughput.svg', linePlot({ title: 'Throughput', xLabel: 'step', yLabel: 'tokens/s', series: [{ name: 'tokens/s', points: pts(train, (r) => r.tokPerSec) }] })],
    ];
    for (const [name, svg] of plots) writeFileAtomic(join(dir, name), svg);
  }
}
