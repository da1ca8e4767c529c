// `llamats chat` (docs/cli-contract.md): interactive multi-turn chat with the model's chat template. Answers go to
// stdout; the prompt marker and notices go to stderr, so `llamats chat < script.txt > answers.txt` works.
import { createInterface } from 'node:readline';
import { ChatSession } from '../../generate/chat-session.js';
import { loadGenerationModel } from '../../generate/load.js';
import { setThreads } from '../../tensor/backend.js';
import type { ChatTemplateName } from '../../tokenizer/chat-templates.js';
import { ConfigError } from '../../util/errors.js';
import { numberFlag, parseFlags, requireFlag, type Command } from '../command.js';
import { samplingFlags, samplingFromFlags, samplingUsage } from '../sampling-flags.js';

const TEMPLATES: ChatTemplateName[] = ['llama2', 'llama3', 'llama3.1'];

export const command: Command = {
  name: 'chat',
  summary: 'interactive multi-turn chat with the model\'s chat template (/reset, /exit)',
  usage: `
Usage: llamats chat --model PATH [--system TEXT] [--template llama2|llama3|llama3.1] [--ctx N] [--tokenizer FILE]
                    [--threads N] [sampling flags]

Type a message and press Enter; the answer streams back. The whole conversation is sent through the chat template
each turn (the KV cache reuses what the previous turn already computed). When it outgrows the context window, the
oldest exchanges are dropped; the system prompt stays. Ctrl-C stops an answer; at the prompt it quits.
Commands:  /reset  forget the conversation     /system TEXT  set the system prompt (and reset)     /exit  quit
  --system TEXT     system prompt
  --template NAME   chat format (default: llama2 for a SentencePiece tokenizer, llama3.1 for a byte-level one)
  --ctx N           context window to use (default the model's)
${samplingUsage(512)}`,
  async run(argv) {
    const { values } = parseFlags('chat', argv, {
      model: { type: 'string' }, tokenizer: { type: 'string' }, system: { type: 'string' }, template: { type: 'string' },
      ctx: { type: 'string' }, threads: { type: 'string' }, ...samplingFlags,
    }, false);
    if (values.threads !== undefined) setThreads(numberFlag('chat', 'threads', values.threads, 1, { integer: true, min: 1, max: 1024 }));
    const template = values.template as ChatTemplateName | undefined;
    if (template !== undefined && !TEMPLATES.includes(template)) throw new ConfigError('llamats chat', '--template', TEMPLATES.join(' | '), JSON.stringify(template));
    const options = samplingFromFlags('chat', values, 512);
    const m = loadGenerationModel(requireFlag('chat', 'model', values.model), values.tokenizer);
    const contextLength = numberFlag('chat', 'ctx', values.ctx, m.config.maxSeqLen, { integer: true, min: 16, max: m.config.maxSeqLen });
    const session = new ChatSession(m.decoder, m.tokenizer, { system: values.system, template, contextLength, generation: { ...options, stopIds: m.stopIds } });
    const err = (s: string) => process.stderr.write(s);
    const interactive = process.stdin.isTTY === true;
    if (interactive) err(`llamats chat: ${m.id}, context ${contextLength} tokens, seed ${options.seed}. /reset, /system TEXT, /exit.\n`);

    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: interactive });
    let answering: AbortController | null = null;
    rl.on('SIGINT', () => {
      if (answering) answering.abort();
      else rl.close();
    });
    rl.setPrompt('> ');
    if (interactive) rl.prompt();
    for await (const line of rl) {
      const text = line.trim();
      if (text === '/exit' || text === '/quit') break;
      if (text === '/reset') {
        session.reset();
        err('(conversation reset)\n');
      } else if (text === '/system' || text.startsWith('/system ')) {
        session.system = text.slice('/system'.length).trim() || undefined;
        session.reset();
        err('(system prompt set, conversation reset)\n');
      } else if (text !== '') {
        answering = new AbortController();
        const dropped = session.dropped;
        try {
          for await (const step of session.send(text, answering.signal)) if (step.text) process.stdout.write(step.text);
        } catch (e) {
          if (e instanceof DOMException && e.name === 'AbortError') err(' (stopped)');
          else if (e instanceof ConfigError) err(`llamats chat: ${e.message}`);
          else throw e;
        } finally {
          answering = null;
        }
        process.stdout.write('\n');
        if (session.dropped > dropped) err(`(context full: dropped the oldest ${session.dropped - dropped} exchange(s))\n`);
      }
      if (interactive) rl.prompt();
    }
    rl.close();
    return 0;
  },
};
