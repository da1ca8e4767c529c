#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('llamats: the TypeScript build is missing (dist/src/cli/main.js); run `npm install` or `npm run build`\n');
  process.exit(1);
}
process.setSourceMapsEnabled?.(true);
// `llamats … | head` closes stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (e) => { if (e.code === 'EPIPE') process.exit(0); throw e; });
const { runCli } = await import(main.href);
process.exitCode = await runCli(process.argv.slice(2));
