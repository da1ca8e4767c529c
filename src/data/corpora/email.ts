// Plain text out of a raw RFC 822 / MIME message: unfold the headers, keep the Subject, walk multipart bodies
// preferring text/plain over text/html, undo quoted-printable and base64, and strip HTML to text. This is the
// "text extraction" step of Llama 3 §3.1.1 for the mail corpus: what remains is what a reader would see.

export interface EmailText {
  subject: string;
  body: string;
}

type Headers = Map<string, string>;

export function emailText(raw: string): EmailText {
  const { headers, body } = splitMessage(raw.replace(/\r\n/g, '\n'));
  return { subject: headers.get('subject')?.trim() ?? '', body: tidy(partText(headers, body) ?? '') };
}

function splitMessage(raw: string): { headers: Headers; body: string } {
  const cut = raw.indexOf('\n\n');
  const head = cut < 0 ? raw : raw.slice(0, cut);
  const headers: Headers = new Map();
  let last = '';
  for (const line of head.split('\n')) {
    if (/^[ \t]/.test(line) && last) headers.set(last, `${headers.get(last)} ${line.trim()}`); // folded header
    else {
      const m = /^([!-9;-~]+):\s?(.*)$/.exec(line);
      if (!m) continue;
      last = m[1]!.toLowerCase();
      if (!headers.has(last)) headers.set(last, m[2]!);
    }
  }
  return { headers, body: cut < 0 ? '' : raw.slice(cut + 2) };
}

/** The text of one MIME part, or null when it holds none (attachments, images). */
function partText(headers: Headers, body: string): string | null {
  const type = (headers.get('content-type') ?? 'text/plain').toLowerCase();
  if (type.startsWith('multipart/')) {
    const boundary = /boundary="?([^";]+)"?/i.exec(headers.get('content-type') ?? '')?.[1];
    if (!boundary) return body;
    const parts = body.split(`--${boundary}`).slice(1).filter((p) => !p.startsWith('--')).map((p) => splitMessage(p.replace(/^\n/, '')));
    const texts = parts.map((p) => ({ type: (p.headers.get('content-type') ?? 'text/plain').toLowerCase(), text: partText(p.headers, p.body) }));
    // multipart/alternative holds the same text twice: take the plain one when there is one.
    const plain = texts.filter((t) => t.text !== null && t.type.startsWith('text/plain'));
    const chosen = type.startsWith('multipart/alternative') && plain.length > 0 ? plain : texts.filter((t) => t.text !== null);
    return chosen.map((t) => t.text).join('\n\n');
  }
  if (!type.startsWith('text/') && !type.startsWith('message/')) return null;
  const charset = /charset="?([\w-]+)/i.exec(type)?.[1] ?? 'us-ascii';
  const encoding = (headers.get('content-transfer-encoding') ?? '').trim().toLowerCase();
  let text = encoding === 'quoted-printable' ? decodeQuotedPrintable(body, charset) : encoding === 'base64' ? decodeBase64(body, charset) : body;
  // Much 2002 spam is HTML sent without a text/html header: three or more HTML tags make it HTML.
  if (type.startsWith('text/html') || (text.match(/<\/?(html|head|body|meta|table|tr|td|font|div|p|br|a|img|center)\b[^>]*>/gi)?.length ?? 0) >= 3) text = htmlToText(text);
  return text;
}

function bytesToText(bytes: Buffer, charset: string): string {
  return /^utf-?8$/i.test(charset) ? bytes.toString('utf8') : bytes.toString('latin1');
}

/** RFC 2045 §6.7: `=` at line end is a soft break; `=XX` is a byte. */
export function decodeQuotedPrintable(s: string, charset = 'us-ascii'): string {
  const joined = s.replace(/=[ \t]*\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const c = joined[i]!;
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(joined.slice(i + 1, i + 3))) {
      bytes.push(parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      const code = joined.charCodeAt(i);
      if (code < 256) bytes.push(code);
      else bytes.push(...Buffer.from(c, 'utf8'));
    }
  }
  return bytesToText(Buffer.from(bytes), charset);
}

function decodeBase64(s: string, charset: string): string {
  return bytesToText(Buffer.from(s.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64'), charset);
}

const NAMED: Record<string, string> = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", copy: '©', reg: '®', mdash: '—', ndash: '–', hellip: '…' };

/** HTML → text: drop scripts, styles and comments, turn block ends into newlines, remove tags, decode entities. */
export function htmlToText(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(script|style|head|title)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<br\s*\/?>|<\/(p|div|tr|li|h[1-6]|table|blockquote)\s*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === '#') {
        const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : '';
      }
      return NAMED[e.toLowerCase()] ?? m;
    });
}

/** Trailing spaces off, at most one blank line in a row, no leading or trailing blank lines. */
function tidy(text: string): string {
  return text.split('\n').map((l) => l.replace(/[ \t\u00a0]+$/g, '').replace(/^[ \t\u00a0]+(?=\S)/, (m) => (m.length > 8 ? '' : m))).join('\n').replace(/\n{3,}/g, '\n\n').trim();
}
