// The shape every CLI command has, and the argument parsing they share. Commands live one per file in
// src/cli/commands/ and hold no logic of their own beyond wiring flags to library calls.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '../util/errors.js';

export interface Command {
  name: string;
  /** One line for `llamats --help`. */
  summary: string;
  /** Full usage text for `llamats NAME --help`. */
  usage: string;
  /** Returns the process exit code. Throw LlamatsError for user-facing errors. */
  run(argv: string[]): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with errors that name the command and the flag, and `--help` handled by the caller. */
export function parseFlags<O extends Options>(cmd: string, argv: string[], options: O, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    throw new ConfigError(`llamats ${cmd}`, 'arguments', `flags from \`llamats ${cmd} --help\``, (e as Error).message);
  }
}

/** Parses a numeric flag value with a clear error. */
export function numberFlag(cmd: string, flag: string, value: string | undefined, fallback: number, opts: { integer?: boolean; min?: number; max?: number } = {}): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  const ok = value.trim() !== '' && Number.isFinite(n) && (!opts.integer || Number.isInteger(n)) &&
    (opts.min === undefined || n >= opts.min) && (opts.max === undefined || n <= opts.max);
  if (!ok) {
    const range = `${opts.min ?? '-∞'}..${opts.max ?? '∞'}`;
    throw new ConfigError(`llamats ${cmd}`, `--${flag}`, `${opts.integer ? 'an integer' : 'a number'} in ${range}`, JSON.stringify(value));
  }
  return n;
}

/** Required string flag. */
export function requireFlag(cmd: string, flag: string, value: string | undefined): string {
  if (value === undefined || value === '') throw new ConfigError(`llamats ${cmd}`, `--${flag}`, 'a value (it is required)', 'nothing');
  return value;
}
