// Runs the llamats CLI from the TypeScript sources in a child process (so exit codes and stdout/stderr are real),
// from the repository root, with progress output silenced.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file whether it runs from test/ (tsx) or dist/test/ (compiled). */
export const REPO_ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
})();

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { input?: string; env?: Record<string, string> } = {}): CliResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test', 'helpers', 'run-cli.ts'), ...args], {
    cwd: REPO_ROOT,
    input: opts.input ?? '',
    encoding: 'utf8',
    env: { ...process.env, LLAMATS_QUIET: '1', ...opts.env },
    maxBuffer: 256 * 2 ** 20,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
