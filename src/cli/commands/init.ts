import { initLlama } from '../../model/llama.js';
import { saveTrainedModel } from '../../model/load.js';
import { PRESETS, presetNames } from '../../model/presets.js';
import { parseWeightType } from '../../io/weights.js';
import { loadTokenizer } from '../../tokenizer/load.js';
import { ConfigError } from '../../util/errors.js';
import { numberFlag, parseFlags, requireFlag, type Command } from '../command.js';

export const command: Command = {
  name: 'init',
  summary: 'write a randomly initialised model (GGUF or Hugging Face folder)',
  usage: `
Usage: llamats init --preset NAME --seed N --out PATH [--tokenizer FILE] [--type f32|f16|bf16|q8_0|q4_0|q4_k|q6_k]

Writes a model with the preset's shape and seeded random weights (N(0, 0.02²), residual projections scaled by
1/sqrt(2·layers), norms 1): as GGUF when PATH ends in .gguf, else as a Hugging Face folder (config.json +
model.safetensors). --tokenizer (GGUF, tokenizer.json, tokenizer.model) is stored with the model; its vocabulary
size must match the preset's.
Presets: ${presetNames().join(' ')}`,
  async run(argv) {
    const { values } = parseFlags('init', argv, {
      preset: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' }, tokenizer: { type: 'string' }, type: { type: 'string' },
    }, false);
    const name = requireFlag('init', 'preset', values.preset);
    const make = PRESETS[name];
    if (!make) throw new ConfigError('llamats init', '--preset', `one of ${presetNames().join(', ')}`, JSON.stringify(name));
    const seed = numberFlag('init', 'seed', values.seed, 0, { integer: true, min: 0, max: 2 ** 32 - 1 });
    const out = requireFlag('init', 'out', values.out);
    const type = values.type === undefined ? undefined : parseWeightType(values.type, 'llamats init');
    const config = make();
    const tokenizer = values.tokenizer ? loadTokenizer(values.tokenizer) : null;
    if (tokenizer && tokenizer.vocabSize !== config.vocabSize) {
      throw new ConfigError('llamats init', '--tokenizer', `a vocabulary of ${config.vocabSize} tokens (preset ${name})`, `${tokenizer.vocabSize} tokens in ${values.tokenizer}`);
    }
    const model = initLlama(config, seed);
    saveTrainedModel(out, model, tokenizer, { type, name: `llamats-${name}`, progress: true });
    process.stderr.write(`llamats init: wrote ${name} (seed ${seed}) to ${out}\n`);
    return 0;
  },
};
