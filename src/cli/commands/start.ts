import { parseRecipeConfig, readRecipeConfig } from '../../recipe/config.js';
import { runRecipe } from '../../recipe/run.js';
import { numberFlag, parseFlags, type Command } from '../command.js';

export const command: Command = {
  name: 'start',
  summary: 'the whole recipe: corpus → filters → tokenizer → pretraining → alignment → report → exports',
  usage: `
Usage: llamats start [--config FILE.json] [--quick] [--out DIR] [--seed N] [--fresh]

Runs the Llama 2 / Llama 3 recipe end to end on the bundled corpora and the synthetic alignment world (this is
\`npm start\`): data curation, tokenizer training, pretraining, post-training, evaluation, then writes an HTML
report and exports (GGUF for llama.cpp, a Hugging Face folder) and prints how to chat with and serve the model.
Each finished stage is remembered in the run folder: running again reuses it (--fresh recomputes everything),
and an interrupted run resumes.

  --config FILE   recipe config (src/recipe/config.ts); flags override it
  --quick         the small variant (a few minutes; used by the tests)
  --out DIR       run folder (default runs/recipe, runs/recipe-quick with --quick)
  --seed N        one seed reproduces every number (default 1)
  --fresh         ignore remembered stages`,
  async run(argv) {
    const { values } = parseFlags('start', argv, {
      config: { type: 'string' }, quick: { type: 'boolean' }, out: { type: 'string' }, seed: { type: 'string' }, fresh: { type: 'boolean' },
    }, false);
    const base = values.config ? readRecipeConfig(values.config) : parseRecipeConfig({}, 'default recipe');
    const quick = values.quick ?? base.quick;
    const cfg = {
      ...base,
      quick,
      out: values.out ?? (values.config ? base.out : quick ? 'runs/recipe-quick' : base.out),
      seed: numberFlag('start', 'seed', values.seed, base.seed, { integer: true, min: 0 }),
    };
    const r = runRecipe(cfg, { fresh: values.fresh ?? false });
    process.stdout.write(`${JSON.stringify(r)}\n`);
    process.stderr.write(
      `\nYour model is ready.\n` +
        `  chat:    npx llamats chat --model ${r.chatModel}\n` +
        `  serve:   npx llamats serve --model ${r.chatModel}   (OpenAI-compatible API and a web chat page on http://127.0.0.1:8080)\n` +
        `  report:  ${r.report}\n` +
        `  llama.cpp: llama-cli -m ${r.exports[1]}      Hugging Face: AutoModelForCausalLM.from_pretrained("${r.exports[2]}")\n`,
    );
    return 0;
  },
};
