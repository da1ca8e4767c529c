// Child process for kill.test.ts: the llamats CLI, run from source (tsx) or from dist/ (npm test).
import { runCli } from '../../src/cli/main.js';

process.exitCode = await runCli(process.argv.slice(2));
