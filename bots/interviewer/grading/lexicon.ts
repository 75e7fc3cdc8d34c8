/**
 * Words for grading: tokens that keep the parts of hyphenated terms ("pass-by-reference" is
 * pass, by, reference), a suffix stemmer for technical English, stop words, and tolerant
 * matching of one word against another (morphology and spelling). Pure, dependency-free.
 */

/** Function words that carry no technical content. */
export const STOP_WORDS = new Set(
  ('a an the and or but nor of to in on at for with by from into onto over under about as than then so if else not no yes ' +
    'is are was were be been being am it its this that these those there here i you we they he she me my your our their them us ' +
    'do does did done can could would should will shall may might must just very really also too quite rather ' +
    'what which who whom whose when where why how all any both each few more most other some such only own same ' +
    'up down out off again further once because while until after before during between through above below ' +
    'has have had having get gets got let lets like one ones thing things way etc e.g i.e eg ie').split(' '),
);

/**
 * The few words too common to matter in a rubric phrase (key concepts, red flags). Shorter than
 * STOP_WORDS on purpose: "once", "only", "after", "every", "should", "each" carry a concept's or a
 * misconception's meaning ("runs once", "after every render").
 */
export const RUBRIC_STOP_WORDS = new Set(
  'a an the and or but of to in on at for with by is are was were be been it its this that these those i you we they he she as from into than then so if not no do does did can could would should will just very really about also'.split(' '),
);

/** An address or version of three parts or more ("127.0.0.1", "127.xx.yy.zz", "1.2.3"): its parts are its words. */
const DOTTED_NUMBER = /^\d+(?:\.[\p{L}\p{N}]+){2,}$/u;

/** A decimal comma ("0,27"): digits, a comma, then digits that are not a group of three thousands ("1,000"). */
const DECIMAL_COMMA = /(?<![\d,])(\d+),(?!\d{3}(?!\d))(\d+)(?!,\d)/g;
/** A percentage ("27.65%", "50 %", "50 percent"): read as the fraction it is, with the decimals it shows ("0.2765"). */
const PERCENT = /(?<![\d.])(\d+)(?:\.(\d+))?\s?(?:%|percent\b)/g;
function percentAsFraction(_: string, whole: string, decimals = ''): string {
  const digits = `${whole.padStart(3, '0')}${decimals}`;
  const fraction = `${digits.slice(0, -2 - decimals.length)}.${digits.slice(-2 - decimals.length)}`.replace(/^0+(?=\d)/, '');
  return fraction.replace(/\.?0+$/, '') || '0';
}
/** Prefixes that stay glued to their word ("re-render" is one word, rerender). */
const GLUED_PREFIX = /^(re|pre|co|un|de|non|sub|multi|inter|intra|semi|self|e|x|anti|auto|micro|mis|over|post|pro)$/;

/**
 * Lowercased word tokens. Letters, digits and inner dots/pluses (`node.js`, `c++`, `c#`) stay in
 * a token; a hyphenated term splits into its parts unless its first part is a prefix like "re".
 * A decimal comma is a point ("0,27" is 0.27) and a percentage its fraction ("27%" is 0.27), so a
 * calculation reads the same whichever way it is written.
 */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  const lowered = text.toLowerCase().replace(/[’']/g, '');
  for (const raw of lowered.replace(DECIMAL_COMMA, '$1.$2').replace(PERCENT, percentAsFraction).split(/[^\p{L}\p{N}.+#-]+/u)) {
    const word = raw.replace(/^[.-]+|[.-]+$/g, '');
    if (!word) continue;
    if (DOTTED_NUMBER.test(word)) {
      out.push(...word.split('.').filter(Boolean));
      continue;
    }
    if (!word.includes('-')) {
      out.push(word);
      continue;
    }
    const parts = word.split(/-+/).filter(Boolean);
    if (parts.length === 2 && GLUED_PREFIX.test(parts[0] as string)) out.push(parts.join(''));
    else out.push(...parts);
  }
  return out;
}

const SUFFIXES: [string, string][] = [
  ['ational', 'ate'], ['tional', 'tion'], ['ization', 'ize'], ['isation', 'ize'], ['fulness', 'ful'], ['iveness', 'ive'], ['ousness', 'ous'],
  ['abilities', ''], ['ibilities', ''], ['ability', ''], ['ibility', ''], ['ations', 'ate'], ['ation', 'ate'], ['izing', 'ize'], ['ising', 'ize'],
  ['ized', 'ize'], ['ised', 'ize'], ['ises', 'ize'], ['izes', 'ize'], ['ities', ''], ['ity', ''], ['ments', ''], ['ment', ''], ['ness', ''],
  ['ably', ''], ['ibly', ''], ['able', ''], ['ible', ''], ['ings', ''], ['ing', ''], ['edly', ''], ['ed', ''],
  ['ies', 'y'], ['sses', 'ss'], ['es', ''], ['ss', 'ss'], ['s', ''], ['ally', 'al'], ['ly', ''],
];

const stemCache = new Map<string, string>();

/**
 * A suffix-stripping stemmer tuned for technical English: `re-rendering`, `rerenders` and
 * `re-render` meet at `rerender`; `reuse`, `reusable`, `reusability` at `reus`.
 */
export function stem(token: string): string {
  const cached = stemCache.get(token);
  if (cached !== undefined) return cached;
  let t = token.replace(/-/g, '');
  if (t.length > 3 && !/\d/.test(t) && /^[a-z]+$/.test(t)) {
    for (const [suffix, replacement] of SUFFIXES) {
      // "pass", "status", "analysis" keep their s.
      if (suffix === 's' && /[siu]s$/.test(t)) break;
      if (t.endsWith(suffix) && t.length - suffix.length >= 3) {
        t = t.slice(0, -suffix.length) + replacement;
        break;
      }
    }
    if (/([bdfgmnprt])\1$/.test(t)) t = t.slice(0, -1);
    if (t.length > 3) t = t.replace(/e$/, '');
  }
  if (stemCache.size < 50_000) stemCache.set(token, t);
  return t;
}

/** Stems of the content words of a text, in order (stop words dropped). */
export function contentStems(text: string): string[] {
  return tokenize(text)
    .filter((t) => !STOP_WORDS.has(t))
    .map(stem);
}

/** Stems of a rubric phrase, or of an answer to match rubric phrases against (RUBRIC_STOP_WORDS dropped). */
export function rubricStems(text: string): string[] {
  return tokenize(text)
    .filter((t) => !RUBRIC_STOP_WORDS.has(t))
    .map(stem);
}
