// Escaping for text that ends up inside SVG or HTML. Every string a caller hands us (titles, series names,
// table cells, model outputs) goes through here, so a label such as `<script>` or `"a & b"` is shown as text and
// can never become markup. The same five replacements serve XML and HTML (attributes are always double-quoted).

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes `& < > " '` so the text is safe both as element content and inside a double-quoted attribute. */
export function escapeXml(text: string): string {
  // Control characters other than tab/newline are not allowed in XML 1.0 at all: drop them.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

export const escapeHtml = escapeXml;
