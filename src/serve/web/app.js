// The llamats web chat: plain browser JavaScript, no build step, nothing loaded from elsewhere. It keeps the
// conversation here and sends all of it with every message (the server re-renders the chat template each turn,
// recipe §14), streaming the answer from POST /v1/chat/completions (Server-Sent Events read from fetch's body).

const $ = (id) => document.getElementById(id);
const els = {
  model: $('model'), messages: $('messages'), composer: $('composer'), input: $('input'), send: $('send'), stop: $('stop'),
  newChat: $('new-chat'), system: $('system'), temperature: $('temperature'), topP: $('top-p'), maxTokens: $('max-tokens'),
  apiKey: $('api-key'), status: $('status'),
};

/** The conversation: {role: 'user' | 'assistant', content} in order (the system prompt is added when sending). */
let history = [];
let modelId = null;
let controller = null;

// Settings survive a reload.
const SETTINGS = ['system', 'temperature', 'topP', 'maxTokens', 'apiKey'];
for (const key of SETTINGS) {
  const saved = localStorage.getItem(`llamats.${key}`);
  if (saved !== null) els[key].value = saved;
  els[key].addEventListener('input', () => localStorage.setItem(`llamats.${key}`, els[key].value));
}
const showValue = (input, output) => { output.textContent = input.value; input.addEventListener('input', () => (output.textContent = input.value)); };
showValue(els.temperature, $('temperature-value'));
showValue(els.topP, $('top-p-value'));

function headers() {
  const h = { 'Content-Type': 'application/json' };
  if (els.apiKey.value) h.Authorization = `Bearer ${els.apiKey.value}`;
  return h;
}

async function loadModel() {
  try {
    const r = await fetch('/v1/models', { headers: headers() });
    const body = await r.json();
    if (!r.ok) throw new Error(body.error?.message ?? r.statusText);
    modelId = body.data[0].id;
    els.model.textContent = modelId;
  } catch (e) {
    els.model.textContent = `(model unavailable: ${e.message})`;
  }
}

function addBubble(role, text) {
  const li = document.createElement('li');
  li.className = `message ${role}`;
  li.textContent = text;
  els.messages.append(li);
  li.scrollIntoView({ block: 'end' });
  return li;
}

function setBusy(busy) {
  els.send.disabled = busy;
  els.stop.disabled = !busy;
  els.input.disabled = busy;
}

/** Parses an SSE byte stream into the JSON payloads of its `data:` lines, until `data: [DONE]`. */
async function* sseEvents(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      for (const line of event.split('\n')) {
        if (!line.startsWith('data:')) continue;
        const data = line.slice(5).trim();
        if (data === '[DONE]') return;
        yield JSON.parse(data);
      }
    }
  }
}

async function send(text) {
  history.push({ role: 'user', content: text });
  addBubble('user', text);
  const bubble = addBubble('assistant streaming', '');
  const messages = els.system.value.trim() ? [{ role: 'system', content: els.system.value.trim() }, ...history] : [...history];
  controller = new AbortController();
  setBusy(true);
  els.status.textContent = 'Generating…';
  let answer = '';
  let finish = null;
  let failed = false;
  try {
    const r = await fetch('/v1/chat/completions', {
      method: 'POST', headers: headers(), signal: controller.signal,
      body: JSON.stringify({
        model: modelId ?? undefined, messages, stream: true,
        temperature: Number(els.temperature.value), top_p: Number(els.topP.value), max_tokens: Number(els.maxTokens.value) || undefined,
      }),
    });
    if (!r.ok) throw new Error((await r.json().catch(() => null))?.error?.message ?? `HTTP ${r.status}`);
    for await (const chunk of sseEvents(r.body)) {
      if (chunk.error) throw new Error(chunk.error.message);
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      if (choice.delta?.content) {
        answer += choice.delta.content;
        bubble.textContent = answer;
        bubble.scrollIntoView({ block: 'end' });
      }
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    els.status.textContent = finish === 'length' ? 'Stopped at the token limit.' : '';
  } catch (e) {
    if (e.name === 'AbortError') els.status.textContent = 'Stopped.';
    else {
      failed = true;
      bubble.classList.add('error');
      bubble.textContent = answer || '(no answer)';
      els.status.textContent = `Error: ${e.message}`;
    }
  } finally {
    bubble.classList.remove('streaming');
    controller = null;
    setBusy(false);
    els.input.focus();
  }
  // A stopped answer stays in the history as shown; a failed turn is taken out (roles must keep alternating).
  if (failed) history.pop();
  else history.push({ role: 'assistant', content: answer });
}

els.composer.addEventListener('submit', (e) => {
  e.preventDefault();
  const text = els.input.value.trim();
  if (!text || controller) return;
  els.input.value = '';
  void send(text);
});
els.input.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey) {
    e.preventDefault();
    els.composer.requestSubmit();
  }
});
els.stop.addEventListener('click', () => controller?.abort());
els.newChat.addEventListener('click', () => {
  controller?.abort();
  history = [];
  els.messages.replaceChildren();
  els.status.textContent = '';
  els.input.focus();
});
els.apiKey.addEventListener('change', loadModel);

void loadModel();
els.input.focus();
