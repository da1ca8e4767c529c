// Llama 3 and 3.1 chat formats (recipe §3), token for token as Meta's Jinja templates (meta-llama
// Llama-3.1-8B-Instruct tokenizer_config.json; test/fixtures/vocab/templates/*.jinja):
//   <|begin_of_text|> then per message <|start_header_id|>{role}<|end_header_id|>\n\n{content.strip()}<|eot_id|>,
//   and <|start_header_id|>assistant<|end_header_id|>\n\n to prompt the answer.
// Llama 3.1 always opens with a system block (Environment / Tools lines when tools are on, the knowledge
// cutoff and date, then the system text), supports custom tools (JSON schemas), assistant tool calls (JSON, or
// `<|python_tag|>name.call(k="v")` + <|eom_id|> for built-in tools) and ipython/tool results (JSON-encoded).
import { ConfigError } from '../util/errors.js';
import { messageText, specialId, type ChatMessage, type ChatOptions, type ChatSegment } from './chat-templates.js';
import { pyJson } from './py-json.js';
import type { Tokenizer } from './types.js';

function header(tok: Tokenizer, role: string, template: string): ChatSegment[] {
  return [{ id: specialId(tok, '<|start_header_id|>', template) }, { text: role, format: true },
    { id: specialId(tok, '<|end_header_id|>', template) }, { text: '\n\n', format: true }];
}

export function llama3Segments(tok: Tokenizer, messages: ChatMessage[], opts: ChatOptions): ChatSegment[] {
  const eot = specialId(tok, '<|eot_id|>', 'llama3');
  const segs: ChatSegment[] = [{ id: tok.bos }];
  messages.forEach((m, i) => {
    const answer = m.role === 'assistant';
    segs.push(...header(tok, m.role, 'llama3'), { text: messageText(m, i, 'llama3').trim(), answer }, { id: eot, answer });
  });
  if (opts.addGenerationPrompt ?? true) segs.push(...header(tok, 'assistant', 'llama3'));
  return segs;
}

const CALL_FORMAT = 'Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}.';

export function llama31Segments(tok: Tokenizer, messages: ChatMessage[], opts: ChatOptions): ChatSegment[] {
  const T = 'llama3.1';
  const eot = specialId(tok, '<|eot_id|>', T);
  const tools = opts.tools;
  const builtin = opts.builtinTools;
  const toolsInUser = opts.toolsInUserMessage ?? true;
  let rest = messages.map((m, i) => ({ m, i }));
  let system = '';
  if (rest[0]?.m.role === 'system') { system = messageText(rest[0].m, 0, T).trim(); rest = rest.slice(1); }

  const segs: ChatSegment[] = [{ id: tok.bos }, ...header(tok, 'system', T)];
  let text = '';
  if (builtin || tools) text += 'Environment: ipython\n';
  if (builtin) text += `Tools: ${builtin.filter((t) => t !== 'code_interpreter').join(', ')}\n\n`;
  text += `Cutting Knowledge Date: December 2023\nToday Date: ${opts.dateString ?? '26 Jul 2024'}\n\n`;
  const toolList = (tools ?? []).map((t) => `${pyJson(t, 4)}\n\n`).join('');
  if (tools && !toolsInUser) {
    text += 'You have access to the following functions. To call a function, please respond with JSON for a function call.' +
      `${CALL_FORMAT}Do not use variables.\n\n${toolList}`;
  }
  segs.push({ text: text + system }, { id: eot });

  if (tools && toolsInUser) {
    const first = rest[0];
    if (!first) throw new ConfigError(`chat template ${T}`, 'messages', 'a first user message to hold the tool definitions', 'none');
    rest = rest.slice(1);
    segs.push(...header(tok, 'user', T), {
      text: 'Given the following functions, please respond with a JSON for a function call with its proper arguments that best answers the given prompt.\n\n' +
        `${CALL_FORMAT}Do not use variables.\n\n${toolList}${messageText(first.m, first.i, T).trim()}`,
    }, { id: eot });
  }

  for (const { m, i } of rest) {
    if (m.toolCalls) {
      if (m.toolCalls.length !== 1) throw new ConfigError(`chat template ${T}`, `messages[${i}].toolCalls`, 'exactly one tool call (the model supports single calls)', String(m.toolCalls.length));
      const call = m.toolCalls[0]!;
      let body: string;
      if (builtin && builtin.includes(call.name)) {
        const args = Object.entries(call.arguments).map(([k, v]) => `${k}="${String(v)}"`).join(', ');
        segs.push(...header(tok, 'assistant', T), { id: specialId(tok, '<|python_tag|>', T), answer: true });
        body = `${call.name}.call(${args})`;
      } else {
        segs.push(...header(tok, 'assistant', T));
        body = `{"name": "${call.name}", "parameters": ${pyJson(call.arguments)}}`;
      }
      segs.push({ text: body, answer: true }, { id: builtin ? specialId(tok, '<|eom_id|>', T) : eot, answer: true });
    } else if (m.role === 'ipython' || m.role === 'tool') {
      // The template JSON-encodes the result whatever it is (a string too: Jinja strings are iterable).
      segs.push(...header(tok, 'ipython', T), { text: pyJson(m.content) }, { id: eot });
    } else {
      const answer = m.role === 'assistant';
      segs.push(...header(tok, m.role, T), { text: messageText(m, i, T).trim(), answer }, { id: eot, answer });
    }
  }
  if (opts.addGenerationPrompt ?? true) segs.push(...header(tok, 'assistant', T));
  return segs;
}
