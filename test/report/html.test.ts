import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHtml, formatCell, htmlReport, linePlot, table } from '../../src/report/index.js';
import { checkWellFormed } from './xml-check.js';

test('escapeHtml replaces the five special characters and drops control characters', () => {
  assert.equal(escapeHtml(`<a href="x">'&'</a>\u0001`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
});

test('table escapes cells and formats numbers', () => {
  const html = table([['<b>bold</b>', 1234567, 0.123456789, NaN, null]], { head: ['name & co', 'n', 'x', 'y', 'z'] });
  assert.ok(html.includes('<th>name &amp; co</th>'));
  assert.ok(html.includes('<td>&lt;b&gt;bold&lt;/b&gt;</td>'));
  assert.ok(html.includes('<td class="num">1,234,567</td>'));
  assert.ok(html.includes('<td class="num">0.1235</td>'));
  assert.ok(html.includes('<td class="num">NaN</td>'));
  assert.equal(formatCell(Infinity), '∞');
  assert.equal(formatCell(true), 'true');
  assert.ok(checkWellFormed(html).ok);
});

test('htmlReport is self-contained and no user text can inject markup', () => {
  const evil = '</title><script>alert(1)</script><img src=x onerror=alert(2)>';
  const html = htmlReport({
    title: evil,
    subtitle: evil,
    sections: [
      { heading: evil, text: `first ${evil}\n\nsecond` },
      { heading: 'Table', table: { head: ['k', 'v'], rows: [[evil, 1]] } },
      { heading: 'Plot', svg: linePlot({ title: evil, series: [{ name: 'a', points: [[0, 1], [1, 2]] }] }) },
    ],
  });
  assert.ok(html.startsWith('<!DOCTYPE html>'));
  assert.ok(!/<(script|img)/i.test(html), 'no injected elements');
  assert.ok(html.includes('&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;'));
  assert.equal((html.match(/<script/gi) ?? []).length, 0);
  assert.ok(!/\b(src|href)="(?!#)/.test(html), 'no external resources');
  assert.ok(!/https?:\/\/(?!www\.w3\.org\/2000\/svg)/.test(html), 'no URLs but the SVG namespace');
  assert.equal((html.match(/<section>/g) ?? []).length, 3);
  assert.equal((html.match(/<p>/g) ?? []).length, 2, 'blank line splits paragraphs');
  assert.ok(html.includes('<nav>'), 'table of contents with three sections');
  // The body after <!DOCTYPE> parses as XML as well (our HTML is XHTML-clean).
  const r = checkWellFormed(html.slice(html.indexOf('<html')).replace('<meta charset="utf-8">', '<meta charset="utf-8"/>').replace(/<meta name="viewport"[^>]*>/, ''));
  assert.ok(r.ok, r.ok ? '' : r.error);
});
