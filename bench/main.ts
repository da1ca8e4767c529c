// `npm run bench -- NAME [--json]`: runs one benchmark, llamats beside its peer in the same run, and prints a
// table (and with --json, one JSON object as the last line of stdout; format in docs/cli-contract.md).
// Each benchmark is a file bench/<name>.ts exporting `run(args): Promise<BenchReport>`; register it below.

export interface BenchRow {
  case: string;
  unit: string;
  llamats: number;
  /** What the peer is (e.g. "pytorch 1.13 openblas, 2 threads"), or null when unavailable. */
  peer: string | null;
  peer_value: number | null;
  /** llamats ÷ peer for higher-is-better units; null when the peer is unavailable. */
  ratio: number | null;
}

export interface BenchReport {
  bench: string;
  rows: BenchRow[];
  /** Free-form facts about the machine and setup, printed with the table. */
  notes?: string[];
}

type BenchRunner = (args: string[]) => Promise<BenchReport>;

const benches: Record<string, () => Promise<BenchRunner>> = {
  tokenizer: async () => (await import('./tokenizer.js')).run,
  train: async () => (await import('./train.js')).run,
  kernels: async () => (await import('./kernels.js')).run,
  gemm: async () => (await import('./gemm.js')).run,
  generate: async () => (await import('./generate.js')).run,
  quant: async () => (await import('./quant.js')).run,
  // one line per benchmark file, e.g.:  gemm: async () => (await import('./gemm.js')).run,
};

export function row(c: string, unit: string, llamats: number, peer: string | null, peerValue: number | null): BenchRow {
  return { case: c, unit, llamats, peer, peer_value: peerValue, ratio: peerValue ? llamats / peerValue : null };
}

function printTable(r: BenchReport): void {
  const fmt = (v: number | null) => (v === null ? '—' : v >= 100 ? v.toFixed(0) : v.toPrecision(3));
  const lines = [['case', 'unit', 'llamats', 'peer', 'ratio'], ...r.rows.map((x) => [x.case, x.unit, fmt(x.llamats), x.peer_value === null ? '—' : `${fmt(x.peer_value)} (${x.peer})`, x.ratio === null ? '—' : `${x.ratio.toFixed(2)}×`])];
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  for (const l of lines) process.stdout.write(`${l.map((c, i) => c.padEnd(widths[i]!)).join('  ')}\n`);
  for (const n of r.notes ?? []) process.stdout.write(`# ${n}\n`);
}

async function main(): Promise<void> {
  const [name, ...rest] = process.argv.slice(2);
  const json = rest.includes('--json');
  const load = name ? benches[name] : undefined;
  if (!load) {
    process.stderr.write(`usage: npm run bench -- NAME [--json]   (NAME: ${Object.keys(benches).join(', ') || 'none yet'})\n`);
    process.exitCode = 2;
    return;
  }
  const report = await (await load())(rest.filter((a) => a !== '--json'));
  printTable(report);
  if (json) process.stdout.write(`${JSON.stringify({ bench: report.bench, rows: report.rows })}\n`);
}

await main();
