// Every CLI command, loaded lazily so that `llamats tokenize` does not pay for loading the trainer.
// Keep the list sorted; one line per command file in ./commands/.
import type { Command } from './command.js';

type Loader = () => Promise<Command>;

export const commandLoaders: Record<string, Loader> = {
  bench: async () => (await import('./commands/bench.js')).command,
  chat: async () => (await import('./commands/chat.js')).command,
  convert: async () => (await import('./commands/convert.js')).command,
  data: async () => (await import('./commands/data.js')).command,
  detokenize: async () => (await import('./commands/detokenize.js')).command,
  dpo: async () => (await import('./commands/dpo.js')).command,
  eval: async () => (await import('./commands/eval.js')).command,
  gatt: async () => (await import('./commands/gatt.js')).command,
  generate: async () => (await import('./commands/generate.js')).command,
  info: async () => (await import('./commands/info.js')).command,
  init: async () => (await import('./commands/init.js')).command,
  logits: async () => (await import('./commands/logits.js')).command,
  params: async () => (await import('./commands/params.js')).command,
  ppo: async () => (await import('./commands/ppo.js')).command,
  rm: async () => (await import('./commands/rm.js')).command,
  rounds: async () => (await import('./commands/rounds.js')).command,
  rs: async () => (await import('./commands/rs.js')).command,
  serve: async () => (await import('./commands/serve.js')).command,
  sft: async () => (await import('./commands/sft.js')).command,
  start: async () => (await import('./commands/start.js')).command,
  tokenize: async () => (await import('./commands/tokenize.js')).command,
  tokenizer: async () => (await import('./commands/tokenizer.js')).command,
  train: async () => (await import('./commands/train.js')).command,
  world: async () => (await import('./commands/world.js')).command,
};
