// Runs the llamats CLI from source in this process (spawned by tests as `node --import tsx test/helpers/run-cli.ts ...`).
import { runCli } from '../../src/cli/main.js';
process.exitCode = await runCli(process.argv.slice(2));
