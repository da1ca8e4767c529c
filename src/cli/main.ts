// Entry point of the `llamats` CLI: finds the command and runs it. The only place (with the command files)
// that turns errors into exit codes; library code throws typed errors instead of exiting.
import { LlamatsError } from '../util/errors.js';
import type { Command } from './command.js';
import { commandLoaders } from './registry.js';

const VERSION = '0.1.0';

function topHelp(commands: Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `llamats ${VERSION} — the Llama 2 / Llama 3 system in TypeScript`,
    '',
    'Usage: llamats <command> [flags]        (llamats <command> --help for details)',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Environment: LLAMATS_THREADS (kernel threads, default = physical cores), LLAMATS_BACKEND=ts (pure-TS kernels),',
    '             LLAMATS_QUIET=1 (no progress output).',
  ].join('\n');
}

export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const commands = await Promise.all(Object.values(commandLoaders).map((load) => load()));
    process.stdout.write(`${topHelp(commands)}\n`);
    return name === undefined ? 1 : 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const load = commandLoaders[name];
  if (!load) {
    process.stderr.write(`llamats: unknown command '${name}'; run \`llamats --help\` for the list\n`);
    return 2;
  }
  const command = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.usage.trim()}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof LlamatsError) {
      process.stderr.write(`llamats ${name}: error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
