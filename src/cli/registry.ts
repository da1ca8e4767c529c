// Every CLI command, loaded lazily so that `llamats tokenize` does not pay for loading the trainer.
// Keep the list sorted; one line per command file in ./commands/.
import type { Command } from './command.js';

type Loader = () => Promise<Command>;

export const commandLoaders: Record<string, Loader> = {
  convert: async () => (await import('./commands/convert.js')).command,
  data: async () => (await import('./commands/data.js')).command,
  detokenize: async () => (await import('./commands/detokenize.js')).command,
  info: async () => (await import('./commands/info.js')).command,
  init: async () => (await import('./commands/init.js')).command,
  logits: async () => (await import('./commands/logits.js')).command,
  params: async () => (await import('./commands/params.js')).command,
  tokenize: async () => (await import('./commands/tokenize.js')).command,
  tokenizer: async () => (await import('./commands/tokenizer.js')).command,
  train: async () => (await import('./commands/train.js')).command,
  world: async () => (await import('./commands/world.js')).command,
};
