// `llamats generate` (docs/cli-contract.md): streams the model's continuation of a prompt to stdout.
import { generate } from '../../generate/generate.js';
import { loadGenerationModel } from '../../generate/load.js';
import { setThreads } from '../../tensor/backend.js';
import { numberFlag, parseFlags, requireFlag, type Command } from '../command.js';
import { samplingFlags, samplingFromFlags, samplingUsage } from '../sampling-flags.js';

export const command: Command = {
  name: 'generate',
  summary: 'stream text from a model (GGUF or Hugging Face folder) with temperature / top-k / top-p / min-p sampling',
  usage: `
Usage: llamats generate --model PATH [--prompt TEXT] [--max-tokens N] [--temperature T] [--top-k K] [--top-p P]
                        [--min-p P] [--repeat-penalty R] [--seed S] [--stop TEXT]... [--tokenizer FILE] [--no-bos]
                        [--threads N]

Streams the continuation of TEXT to stdout as it is generated (UTF-8 characters are never split). Without
--prompt, generation starts from BOS alone. A summary (tokens, speed, seed) goes to stderr.
  --model PATH       a GGUF file or a Hugging Face model folder (any tensor type: F32 … Q4_0, Q4_K, Q6_K)
  --tokenizer FILE   use this tokenizer instead of the one stored with the model
  --no-bos           do not put BOS before the prompt
  --threads N        kernel threads (default LLAMATS_THREADS or the physical cores)
${samplingUsage(256)}`,
  async run(argv) {
    const { values } = parseFlags('generate', argv, {
      model: { type: 'string' }, tokenizer: { type: 'string' }, prompt: { type: 'string' }, 'no-bos': { type: 'boolean' },
      threads: { type: 'string' }, ...samplingFlags,
    }, false);
    if (values.threads !== undefined) setThreads(numberFlag('generate', 'threads', values.threads, 1, { integer: true, min: 1, max: 1024 }));
    const options = samplingFromFlags('generate', values, 256);
    const m = loadGenerationModel(requireFlag('generate', 'model', values.model), values.tokenizer);
    const text = values.prompt ?? '';
    const prompt = m.tokenizer.encode(text, { bos: !values['no-bos'] });
    if (prompt.length === 0) prompt.push(m.tokenizer.bos);
    const ac = new AbortController();
    const onSigint = () => ac.abort();
    process.once('SIGINT', onSigint);
    const t0 = performance.now();
    let t1 = t0;
    let n = 0;
    let finish = 'length';
    try {
      for await (const step of generate(m.decoder, m.tokenizer, prompt, { ...options, stopIds: m.stopIds }, { signal: ac.signal })) {
        if (n++ === 0) t1 = performance.now();
        if (step.text) process.stdout.write(step.text);
        if (step.finishReason) finish = step.finishReason;
      }
    } catch (e) {
      if (!(e instanceof DOMException && e.name === 'AbortError')) throw e;
      finish = 'interrupted';
    } finally {
      process.off('SIGINT', onSigint);
    }
    process.stdout.write('\n');
    const t2 = performance.now();
    const decodeRate = n > 1 ? ((n - 1) / (t2 - t1)) * 1000 : 0;
    process.stderr.write(`llamats generate: ${prompt.length} prompt tokens in ${(t1 - t0).toFixed(0)} ms, ${n} tokens generated ` +
      `(${decodeRate.toFixed(1)} tok/s), finish ${finish}, seed ${options.seed}\n`);
    return 0;
  },
};
