// Known junk, generated: documents of the kinds Llama 3 §3.1.1's heuristics and quality classifier exist to
// remove (keyword spam, log dumps, navigation menus, symbol soup, word salad, repeated paragraphs, teaser
// lists, profanity). Injected into the corpus with meta.injected = "junk" they are ground truth for how much
// junk the filters catch; a different seed gives the quality classifier its synthetic negatives.
import { Rng } from '../util/rng.js';
import type { Doc } from './doc.js';

export const JUNK_KINDS = ['keyword-spam', 'log-dump', 'menu', 'symbol-soup', 'word-salad', 'repeated-paragraph', 'teasers', 'profanity'] as const;
export type JunkKind = (typeof JUNK_KINDS)[number];

const COMMON = ('time people year way day man thing woman life child world school state family student group country problem hand part ' +
  'place case week company system program question work government number night point home water room mother area money story fact ' +
  'month lot right study book eye job word business issue side kind head house service friend father power hour game line end member ' +
  'law car city community name president team minute idea kid body information back parent face others level office door health ' +
  'person art war history party result change morning reason research girl guy moment air teacher force education good new first ' +
  'last long great little own other old big high different small large next early young important few public bad same able').split(' ');
const PROMO = ['FREE', 'click here', 'limited time', 'act now', 'best price', 'guaranteed', 'no risk', 'winner', 'cash bonus', 'order today', '100% free', 'special offer', 'lowest rates', 'call now'];
const MENU = ['Home', 'About us', 'Contact', 'Privacy policy', 'Terms of use', 'Login', 'Sign up', 'Cart', 'Blog', 'Careers', 'Help', 'FAQ', 'Sitemap', 'Newsletter'];

const between = (r: Rng, lo: number, hi: number) => lo + r.int(hi - lo + 1);
const FUNCTION_WORDS = ['the', 'of', 'and', 'to', 'a', 'in', 'that', 'with', 'is', 'for', 'have', 'be'];
// Function words at English-like frequency, so that salad passes the stop-word rule and only a model of
// fluent text (the quality classifier) can tell it from prose.
const sentence = (r: Rng, n: number) => Array.from({ length: n }, () => (r.uniform() < 0.4 ? r.pick(FUNCTION_WORDS) : r.pick(COMMON))).join(' ');

const MAKERS: Record<JunkKind, (r: Rng) => string> = {
  'keyword-spam': (r) => Array.from({ length: between(r, 15, 40) }, () => `${r.pick(PROMO)}!!! ${r.pick(PROMO)} $$$ ${r.pick(PROMO).toUpperCase()}`).join(' '),
  'log-dump': (r) => Array.from({ length: between(r, 20, 60) }, (_, i) =>
    `2002-08-${String(between(r, 10, 28))} 13:${String(10 + (i % 50))}:${String(10 + r.int(50))} INFO worker-${r.int(8)} request id=${r.nextU32().toString(16)} status=200 latency=${r.int(90)}ms`).join('\n'),
  menu: (r) => Array.from({ length: between(r, 20, 50) }, () => `• ${r.pick(MENU)}`).join('\n'),
  'symbol-soup': (r) => Array.from({ length: between(r, 60, 150) }, () => r.pick(['###', '$$$', '%%%', '@@', '&&', '***', '|||', '~~', '#1', '>>>', '...'])).join(' '),
  'word-salad': (r) => Array.from({ length: between(r, 8, 20) }, () => `${sentence(r, between(r, 6, 14))}.`).join(' '),
  'repeated-paragraph': (r) => {
    const p = `${sentence(r, between(r, 8, 16))}.`;
    return Array.from({ length: between(r, 8, 20) }, () => p).join('\n\n');
  },
  teasers: (r) => Array.from({ length: between(r, 12, 30) }, () => `${sentence(r, between(r, 4, 9))}... Read more...`).join('\n'),
  profanity: (r) => Array.from({ length: between(r, 10, 25) }, () => `${sentence(r, between(r, 4, 8))} ${r.pick(['damn', 'crap', 'bastard', 'bollocks'])} the ${r.pick(COMMON)}.`).join(' '),
};

export function junkText(kind: JunkKind, rng: Rng): string {
  return MAKERS[kind](rng);
}

/** `count` junk documents cycling through the kinds, domain "general". */
export function generateJunk(count: number, seed: number, kinds: readonly JunkKind[] = JUNK_KINDS): Doc[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, (_, i) => {
    const kind = kinds[i % kinds.length]!;
    return { id: `junk/${seed}/${i}`, domain: 'general', source: `junk/${kind}`, text: junkText(kind, rng), meta: { injected: 'junk', kind } };
  });
}
