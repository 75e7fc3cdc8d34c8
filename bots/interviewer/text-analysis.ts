/** Tokenising and stemming for rubric matching. Pure and dependency-free. */

const STOP = new Set('a an the and or but of to in on at for with by is are was were be been it its this that these those i you we they he she as from into than then so if not no do does did can could would should will just very really about also'.split(' '));

/** Lowercased word tokens (letters, digits, and inner dots/pluses such as `node.js`, `c++`). */
export function tokenize(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[’']/g, '')
    .split(/[^\p{L}\p{N}.+#]+/u)
    .map((t) => t.replace(/^[.]+|[.]+$/g, ''))
    .filter(Boolean);
}

const SUFFIXES: [string, string][] = [
  ['ational', 'ate'], ['ization', 'ize'], ['fulness', 'ful'], ['iveness', 'ive'], ['ousness', 'ous'],
  ['ations', 'ate'], ['ation', 'ate'], ['izing', 'ize'], ['ising', 'ize'], ['ized', 'ize'], ['ised', 'ize'], ['ises', 'ize'], ['izes', 'ize'],
  ['ities', 'ity'], ['ness', ''], ['ments', 'ment'], ['ings', ''], ['ing', ''], ['edly', ''], ['ed', ''], ['ies', 'y'], ['es', ''], ['s', ''], ['ly', ''],
];

/**
 * A light suffix-stripping stemmer (Porter-like, tuned for technical English): `re-rendering`
 * and `re-render` and `rerenders` meet at `rerender`; `memoized`, `memoizes` at `memoize`.
 */
export function stem(token: string): string {
  let t = token.replace(/-/g, '');
  if (t.length <= 3 || /\d/.test(t)) return t;
  for (const [suffix, replacement] of SUFFIXES) {
    if (t.endsWith(suffix) && t.length - suffix.length >= 3) {
      t = t.slice(0, -suffix.length) + replacement;
      break;
    }
  }
  // Undo doubled consonants left by -ing/-ed (running -> runn -> run), and a trailing e.
  if (/([bdfgmnprt])\1$/.test(t)) t = t.slice(0, -1);
  return t.replace(/e$/, '');
}

/** Content-word stems of a text (stop words dropped). */
export function stems(text: string): string[] {
  return tokenize(text.replace(/-/g, ''))
    .filter((t) => !STOP.has(t))
    .map(stem);
}

/**
 * Whether `phrase` occurs in the answer's stems as a sequence, allowing one filler word
 * between phrase words. A one-word phrase is a plain membership test.
 */
export function containsPhrase(answer: readonly string[], phrase: string): boolean {
  const p = stems(phrase);
  if (p.length === 0) return false;
  for (let i = 0; i < answer.length; i++) {
    if (answer[i] !== p[0]) continue;
    let j = i;
    let matched = 1;
    for (let k = 1; k < p.length; k++) {
      const at = answer[j + 1] === p[k] ? j + 1 : answer[j + 2] === p[k] ? j + 2 : -1;
      if (at < 0) break;
      j = at;
      matched++;
    }
    if (matched === p.length) return true;
  }
  return false;
}

/** Share of the phrase's stems present anywhere in the answer (fuzzy match). */
export function overlap(answer: ReadonlySet<string>, phrase: string): number {
  const p = stems(phrase);
  return p.length === 0 ? 0 : p.filter((s) => answer.has(s)).length / p.length;
}
