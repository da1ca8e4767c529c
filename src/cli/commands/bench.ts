// `llamats bench` (docs/cli-contract.md): prefill and decode speed of one model, measured as llama-bench does
// (src/generate/bench.ts). With --json: one JSON object on stdout.
import { cpuClock, measureSpeed } from '../../generate/bench.js';
import { loadInferenceModel } from '../../model/load.js';
import { backendName, setThreads } from '../../tensor/backend.js';
import { nativeAddon } from '../../tensor/native.js';
import { numberFlag, parseFlags, requireFlag, type Command } from '../command.js';

export const command: Command = {
  name: 'bench',
  summary: 'prefill and decode tokens/s of a model (as llama.cpp\'s llama-bench measures them)',
  usage: `
Usage: llamats bench --model PATH [--prompt-tokens 128] [--gen-tokens 64] [--threads N] [--reps 5] [--cpu] [--json]

Prefill: one forward pass over --prompt-tokens random tokens on an empty KV cache. Decode: --gen-tokens
single-token passes from an empty cache. Each is repeated --reps times after a warm-up (mean ± sd), like
llama-bench's pp/tg tests. generate_tok_s is the end-to-end loop (default sampler, text streaming) after the prompt.
  --cpu    time by this process's CPU time instead of the wall clock (tokens per CPU-second; use with --threads 1
           on a machine busy with other work)
  --json   print {"prefill_tok_s", "decode_tok_s", "generate_tok_s", "prefill_tok_s_sd", "decode_tok_s_sd",
           "model", "threads", "backend", "prompt_tokens", "gen_tokens", "reps"} on stdout`,
  async run(argv) {
    const { values } = parseFlags('bench', argv, {
      model: { type: 'string' }, 'prompt-tokens': { type: 'string' }, 'gen-tokens': { type: 'string' }, threads: { type: 'string' },
      reps: { type: 'string' }, json: { type: 'boolean' }, cpu: { type: 'boolean' },
    }, false);
    const path = requireFlag('bench', 'model', values.model);
    const threads = values.threads === undefined ? null : setThreads(numberFlag('bench', 'threads', values.threads, 1, { integer: true, min: 1, max: 1024 }));
    const promptTokens = numberFlag('bench', 'prompt-tokens', values['prompt-tokens'], 128, { integer: true, min: 1 });
    const genTokens = numberFlag('bench', 'gen-tokens', values['gen-tokens'], 64, { integer: true, min: 2 });
    const reps = numberFlag('bench', 'reps', values.reps, 5, { integer: true, min: 1, max: 1000 });
    // A tokenizer is only needed for the end-to-end number; a model file without one still benchmarks.
    const m = loadInferenceModel(path);
    const window = m.config.maxSeqLen - 1;
    const r = await measureSpeed(m.decoder, m.tokenizer, { promptTokens: Math.min(promptTokens, window), genTokens: Math.min(genTokens, window), reps, clock: values.cpu ? cpuClock : undefined });
    const out = {
      prefill_tok_s: r.prefill.mean, decode_tok_s: r.decode.mean, generate_tok_s: r.generate,
      prefill_tok_s_sd: r.prefill.sd, decode_tok_s_sd: r.decode.sd,
      model: path, threads: threads ?? nativeAddon()?.info().threads ?? 1, backend: backendName(),
      prompt_tokens: promptTokens, gen_tokens: genTokens, reps, clock: values.cpu ? 'cpu' : 'wall',
    };
    if (values.json) process.stdout.write(`${JSON.stringify(out)}\n`);
    else {
      const f = (s: { mean: number; sd: number }) => `${s.mean.toFixed(1)} ± ${s.sd.toFixed(1)} tok/s`;
      process.stdout.write(`model    ${path}\nbackend  ${out.backend}, ${out.threads} threads\n` +
        `prefill  ${f(r.prefill)}  (pp${promptTokens})\ndecode   ${f(r.decode)}  (tg${genTokens})\n` +
        `generate ${r.generate === null ? 'n/a (no tokenizer in the model file)' : `${r.generate.toFixed(1)} tok/s`}  (sampling and streaming included)\n`);
    }
    return 0;
  },
};
