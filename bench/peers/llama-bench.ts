// The llama.cpp peer at full speed: its own `llama-bench`, built once, offline, from the llama.cpp source that
// node-llama-cpp ships as a git bundle (docs: ../shared/peers.md), into bench/peers/llama.cpp/ (git-ignored).
// AMX is left off: ggml's AMX Q8_0 path crashed (SIGILL) here and on the VM of peers.md (isaFlags).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LlamaBenchResult {
  /** pp<P> tokens/s (mean, sd) and tg<G> tokens/s. */
  prefill: { mean: number; sd: number } | null;
  decode: { mean: number; sd: number } | null;
  build: string;
}

/** The llama-bench binary, building it when allowed and missing; null with the reason otherwise. */
export function ensureLlamaBench(root: string, allowBuild: boolean, log: (s: string) => void): { path: string } | { reason: string } {
  const src = join(root, 'bench', 'peers', 'llama.cpp');
  const bin = join(src, 'build', 'bin', 'llama-bench');
  if (existsSync(bin)) return { path: bin };
  if (!allowBuild) return { reason: `no ${bin} (build it: npm run bench -- generate without --no-build)` };
  const bundle = join(root, 'node_modules', 'node-llama-cpp', 'llama', 'gitRelease.bundle');
  if (!existsSync(src)) {
    if (!existsSync(bundle)) return { reason: `no llama.cpp source: ${bundle} is missing (node-llama-cpp devDependency)` };
    log(`generate bench: cloning llama.cpp from ${bundle}\n`);
    const c = spawnSync('git', ['clone', '-q', bundle, src], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (c.status !== 0) return { reason: `git clone of the llama.cpp bundle failed: ${c.stderr.trim()}` };
  }
  log('generate bench: building llama-bench (once; several minutes on 2 cores)…\n');
  const steps: string[][] = [
    ['cmake', '-S', src, '-B', join(src, 'build'), '-DCMAKE_BUILD_TYPE=Release', '-DLLAMA_CURL=OFF', '-DLLAMA_BUILD_TESTS=OFF',
      '-DLLAMA_BUILD_SERVER=OFF', '-DLLAMA_BUILD_EXAMPLES=OFF', '-DGGML_OPENMP=OFF', ...isaFlags()],
    ['cmake', '--build', join(src, 'build'), '-j2', '--target', 'llama-bench'],
  ];
  for (const [cmd, ...args] of steps) {
    const r = spawnSync(cmd!, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status !== 0) return { reason: `${cmd} ${args[0]} failed: ${(r.stderr ?? r.error?.message ?? '').trim().slice(-400)}` };
  }
  return existsSync(bin) ? { path: bin } : { reason: `the build finished without ${bin}` };
}

/**
 * The instruction sets to build for: this CPU's, named one by one, with AMX off. GGML_NATIVE (-march=native)
 * would switch AMX on whatever GGML_AMX_* say, and ggml's AMX Q8_0 path dies with SIGILL (tileloadd) on this VM
 * (peers.md saw the same).
 */
function isaFlags(): string[] {
  let flags: Set<string>;
  try {
    flags = new Set(/^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))![1]!.trim().split(/\s+/));
  } catch {
    return ['-DGGML_NATIVE=ON', '-DGGML_AMX_TILE=OFF', '-DGGML_AMX_INT8=OFF', '-DGGML_AMX_BF16=OFF'];
  }
  const map: Array<[string, string]> = [['avx', 'AVX'], ['avx2', 'AVX2'], ['fma', 'FMA'], ['f16c', 'F16C'], ['bmi2', 'BMI2'], ['avx_vnni', 'AVX_VNNI'],
    ['avx512f', 'AVX512'], ['avx512vbmi', 'AVX512_VBMI'], ['avx512_vnni', 'AVX512_VNNI'], ['avx512_bf16', 'AVX512_BF16']];
  return ['-DGGML_NATIVE=OFF', ...map.map(([cpu, ggml]) => `-DGGML_${ggml}=${flags.has(cpu) ? 'ON' : 'OFF'}`),
    '-DGGML_AMX_TILE=OFF', '-DGGML_AMX_INT8=OFF', '-DGGML_AMX_BF16=OFF'];
}

/** Runs llama-bench on one model: pp<prompt> and tg<gen>, `reps` repetitions, `threads` threads. */
export function runLlamaBench(bin: string, model: string, o: { threads: number; promptTokens: number; genTokens: number; reps: number }): LlamaBenchResult | { reason: string } {
  const r = spawnSync(bin, ['-m', model, '-t', String(o.threads), '-p', String(o.promptTokens), '-n', String(o.genTokens), '-r', String(o.reps), '-o', 'json'], {
    encoding: 'utf8', maxBuffer: 16 << 20, timeout: 30 * 60_000,
  });
  if (r.status !== 0) return { reason: `llama-bench exited ${r.status ?? r.signal}: ${(r.stderr ?? '').trim().slice(-300)}` };
  let rows: Array<{ n_prompt: number; n_gen: number; avg_ts: number; stddev_ts: number; build_commit?: string; build_number?: number }>;
  try {
    rows = JSON.parse(r.stdout);
  } catch {
    return { reason: `llama-bench printed no JSON: ${r.stdout.slice(0, 200)}` };
  }
  const pp = rows.find((x) => x.n_prompt === o.promptTokens && x.n_gen === 0);
  const tg = rows.find((x) => x.n_prompt === 0 && x.n_gen === o.genTokens);
  const build = rows[0] ? `${rows[0].build_commit ?? '?'} (build ${rows[0].build_number ?? '?'})` : '?';
  return { prefill: pp ? { mean: pp.avg_ts, sd: pp.stddev_ts } : null, decode: tg ? { mean: tg.avg_ts, sd: tg.stddev_ts } : null, build };
}

/**
 * The same measurement in CPU time, for a machine busy with other work: llama-bench times by the wall clock, so
 * each test runs in separate processes with 1 and with 1 + k repetitions under bash's `time` (getrusage of the
 * child, microseconds); the difference is the CPU time of k repetitions (loading and warm-up cancel). k is chosen
 * so that the difference is ≥ ~1.5 s of CPU (at least `reps`). One thread, so CPU time is the work's own time.
 */
export function runLlamaBenchCpu(bin: string, model: string, o: { promptTokens: number; genTokens: number; reps: number }): LlamaBenchResult | { reason: string } {
  const cpuOf = (p: number, n: number, reps: number): number | string => {
    const script = '{ TIMEFORMAT="%3U %3S"; time "$@" >/dev/null 2>&1; } 2>&1';
    const r = spawnSync('bash', ['-c', script, 'bash', bin, '-m', model, '-t', '1', '-p', String(p), '-n', String(n), '-r', String(reps), '-o', 'json'], {
      encoding: 'utf8', timeout: 30 * 60_000,
    });
    if (r.status !== 0) return `llama-bench exited ${r.status ?? r.signal} (-p ${p} -n ${n} -r ${reps})`;
    const [user, sys] = r.stdout.trim().split('\n').pop()!.split(' ').map(Number);
    return user! + sys!;
  };
  const rate = (p: number, n: number, tokens: number): { mean: number; sd: number } | string => {
    const one = cpuOf(p, n, 1);
    if (typeof one === 'string') return one;
    const three = cpuOf(p, n, 3);
    if (typeof three === 'string') return three;
    const perRep = Math.max(1e-4, (three - one) / 2);
    const k = Math.min(500, Math.max(o.reps, Math.ceil(1.5 / perRep)));
    const many = cpuOf(p, n, 1 + k);
    if (typeof many === 'string') return many;
    return { mean: (tokens * k) / (many - one), sd: NaN };
  };
  const pp = rate(o.promptTokens, 0, o.promptTokens);
  if (typeof pp === 'string') return { reason: pp };
  const tg = rate(0, o.genTokens, o.genTokens);
  if (typeof tg === 'string') return { reason: tg };
  return { prefill: pp, decode: tg, build: 'CPU time (bash time, 1 vs 1 + k repetitions)' };
}
