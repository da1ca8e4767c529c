import { ConfigError } from '../../util/errors.js';
import { PRESETS, presetNames } from '../../model/presets.js';
import { countParams } from '../../model/params.js';
import { parseFlags, requireFlag, type Command } from '../command.js';

export const command: Command = {
  name: 'params',
  summary: 'print the exact parameter count of a model preset',
  usage: `
Usage: llamats params --preset NAME [--json]

Prints the exact number of parameters of a preset as an integer (with --json: the whole config and count).
Presets: ${presetNames().join(' ')}`,
  async run(argv) {
    const { values } = parseFlags('params', argv, { preset: { type: 'string' }, json: { type: 'boolean' } }, false);
    const name = requireFlag('params', 'preset', values.preset);
    const make = PRESETS[name];
    if (!make) throw new ConfigError('llamats params', '--preset', `one of ${presetNames().join(', ')}`, JSON.stringify(name));
    const config = make();
    const count = countParams(config);
    process.stdout.write(values.json ? `${JSON.stringify({ preset: name, params: count, config })}\n` : `${count}\n`);
    return 0;
  },
};
