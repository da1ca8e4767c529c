#!/usr/bin/env node
// Builds the native kernels (native/ → build/Release/llamats_native.node) with node-gyp against Node's own
// headers. A failed build never fails `npm install`: llamats then runs on the pure-TypeScript backend and says
// so once (src/tensor/native.ts). Pass --verbose to see the compiler output.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const verbose = process.argv.includes('--verbose');
const statusFile = join(root, 'build', 'native-build-failed.txt');

function findNodeGyp() {
  if (process.env.npm_config_node_gyp && existsSync(process.env.npm_config_node_gyp)) return process.env.npm_config_node_gyp;
  const npmDir = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm');
  const candidates = [join(npmDir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')];
  try { candidates.push(createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js')); } catch { /* not installed locally */ }
  return candidates.find((p) => existsSync(p)) ?? null;
}

const gyp = findNodeGyp();
if (!gyp) {
  fail('node-gyp was not found (it ships with npm)');
} else {
  // configure + build rather than rebuild: no clean step, so an existing addon stays loadable while a new one
  // compiles (several processes may be using it), and unchanged sources are not recompiled.
  const args = [gyp, 'configure'];
  // Build against the headers installed with Node itself: no download at install time.
  const hasConfiguredNodedir = process.env.npm_config_nodedir;
  if (!hasConfiguredNodedir) {
    for (const dir of [join(dirname(process.execPath), '..'), '/usr', '/usr/local']) {
      if (existsSync(join(dir, 'include', 'node', 'node_api.h'))) { args.push(`--nodedir=${dir}`); break; }
    }
  }
  const t0 = Date.now();
  let r = spawnSync(process.execPath, args, { cwd: root, stdio: verbose ? 'inherit' : 'pipe', encoding: 'utf8' });
  if (r.status === 0) {
    const buildArgs = [gyp, 'build', '-j', 'max', ...args.slice(2)];
    r = spawnSync(process.execPath, buildArgs, { cwd: root, stdio: verbose ? 'inherit' : 'pipe', encoding: 'utf8' });
  }
  if (r.status === 0) {
    rmSync(statusFile, { force: true });
    process.stderr.write(`llamats: native kernels built in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  } else {
    const tail = `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').slice(-25).join('\n');
    fail(`node-gyp exited with ${r.status}${verbose ? '' : `\n${tail}`}`);
  }
}

function fail(why) {
  try { writeFileSync(statusFile, `${why}\n`); } catch { /* build/ may not exist */ }
  process.stderr.write(`\nllamats: WARNING: the native kernels could not be built (${why}).\n` +
    `llamats will run on the pure-TypeScript backend, which is correct but much slower.\n` +
    `Run \`npm run build:native\` to see the full compiler output.\n\n`);
  process.exit(0);
}
