import { cpus } from 'node:os';
import { nativeAddon, nativeLoadError } from '../../tensor/native.js';
import { parseFlags, type Command } from '../command.js';

export const command: Command = {
  name: 'info',
  summary: 'show the kernel backend, instruction set and threads llamats will use',
  usage: `
Usage: llamats info [--json]

Prints which kernels llamats runs on this machine: the native addon's instruction set (AMX / AVX-512 / AVX2 /
scalar) and thread count, or the pure-TypeScript fallback and why.`,
  async run(argv) {
    const { values } = parseFlags('info', argv, { json: { type: 'boolean' } }, false);
    const addon = nativeAddon();
    const report = {
      node: process.version,
      cpu: cpus()[0]?.model ?? 'unknown',
      backend: addon ? 'native' : 'ts',
      ...(addon ? addon.info() : { reason: nativeLoadError() ?? 'LLAMATS_BACKEND=ts' }),
    };
    if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else for (const [k, v] of Object.entries(report)) process.stdout.write(`${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}\n`);
    return 0;
  },
};
