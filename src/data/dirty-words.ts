// The dirty-word list for Llama 3 §3.1.1's "dirty word counting" (after C4, Raffel et al. 2020, which used the
// "List of Dirty, Naughty, Obscene or Otherwise Bad Words"). Kept deliberately mild here: the point is the
// mechanism (a density threshold on listed words), and a user extends the list through the `dirtyWords`
// option of the heuristic filter (config `heuristics.extraDirtyWords`) rather than by editing code.

export const DIRTY_WORDS: readonly string[] = [
  'damn', 'damned', 'dammit', 'goddamn', 'crap', 'crappy', 'bastard', 'bastards', 'bollocks', 'bugger',
  'piss', 'pissed', 'arse', 'arsehole', 'jackass', 'bloody-hell', 'sucks', 'screwed', 'xxx', 'porn',
];
