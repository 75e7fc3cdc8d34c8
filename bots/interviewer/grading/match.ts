/**
 * Tolerant matching of one stem against the stems of an answer: exact, then the same word with
 * a different ending ("reus" ~ "reusabl"), then a typo (one edit in a word of 5+ letters, two in
 * 9+). Partial matches count less than exact ones.
 */

/** How much a match of each kind is worth. */
export const MATCH_EXACT = 1;
export const MATCH_MORPH = 0.85;
export const MATCH_TYPO = 0.8;

/** What a stem may lack of a longer form of the same word (after the stemmer took inflections off). */
const ENDING = /^(?:e?s|e?d|ing|i?on|i?ons|ation|ations|ition|ive|ively|ivity|ity|ities|al|ally|ance|ence|ant|ent|ency|ancy|e?or|e?ors|e?r|e?rs|ure|able|ably|ible|ment|ments|ness|ful|i[sz]e|i[sz]ed|i[sz]ation|y|ly|ic|ical|ically)$/;

/** After a stem of 4 letters only inflections: "stat" (state) is not "static" nor "station". */
const INFLECTION = /^(?:e?s|e?d|ing|e?rs?)$/;

/** The stems of an answer, indexed for tolerant look-ups. */
export interface StemIndex {
  readonly exact: ReadonlySet<string>;
  /** Distinct stems of 4+ letters by their first two letters, for the slower tolerant pass. */
  readonly long: ReadonlyMap<string, readonly string[]>;
  /** Stems of adjacent words glued together ("round trip" -> "roundtrip"). */
  readonly glued: ReadonlySet<string>;
  /** The answer's numbers with a decimal part, as written ("0.2765"). */
  readonly numbers: readonly string[];
}

export function indexStems(stems: readonly string[]): StemIndex {
  const exact = new Set(stems);
  const glued = new Set<string>();
  for (let i = 0; i + 1 < stems.length; i++) glued.add(`${stems[i]}${stems[i + 1]}`);
  const long = new Map<string, string[]>();
  for (const s of exact) {
    if (s.length < 4) continue;
    const bucket = long.get(s.slice(0, 2));
    if (bucket) bucket.push(s);
    else long.set(s.slice(0, 2), [s]);
  }
  return { exact, long, glued, numbers: [...exact].filter((s) => /^\d*\.\d+$/.test(s)) };
}

const NUMBER = /^\d*\.?\d+$/;
/**
 * Whether the answer's number `written` is the reference's `exact` rounded or cut to the decimals
 * it shows ("0.2765" or "0.276" for "0.27648"), with two significant digits at least.
 */
export function sameNumber(exact: string, written: string): boolean {
  const decimals = written.split('.')[1]?.length ?? 0;
  if (decimals === 0 || written.replace(/^[0.]+/, '').length < 2) return false;
  return Math.abs(Number(exact) - Number(written)) < 10 ** -decimals;
}
const similarCache = new Map<string, number>();

/** The best match of `term` in the answer: 1 exact, less for a morphological or typo match, 0 none. */
export function matchStem(term: string, index: StemIndex): number {
  if (index.exact.has(term) || index.glued.has(term)) return MATCH_EXACT;
  if (NUMBER.test(term)) return index.numbers.some((n) => sameNumber(term, n)) ? MATCH_TYPO : 0;
  if (term.length < 4 || /\d/.test(term)) return 0;
  let best = 0;
  // A typo in the first two letters is not looked for: it keeps this pass cheap.
  for (const s of index.long.get(term.slice(0, 2)) ?? []) {
    const m = similar(term, s);
    if (m > best) best = m;
    if (best >= MATCH_MORPH) break;
  }
  return best;
}

/** Whether two different stems are the same word (0 if not). Cached: banks reuse their terms. */
export function similar(a: string, b: string): number {
  const key = a < b ? `${a}|${b}` : `${b}|${a}`;
  const cached = similarCache.get(key);
  if (cached !== undefined) return cached;
  const value = compare(a, b);
  if (similarCache.size > 200_000) similarCache.clear();
  similarCache.set(key, value);
  return value;
}

function compare(a: string, b: string): number {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  // Same word, other ending ("encrypt", "encryption"); "state" is not "static", "connection" not "connectionless".
  if (long.startsWith(short) && (short.length >= 5 ? ENDING : INFLECTION).test(long.slice(short.length)) && short.length >= 4) return MATCH_MORPH;
  if (short.length < 5 || long.length - short.length > 2) return 0;
  const allowed = short.length >= 9 ? 2 : 1;
  return editDistance(short, long, allowed) <= allowed ? MATCH_TYPO : 0;
}

/** Damerau-Levenshtein (optimal string alignment) distance, stopping early past `limit`. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, (prev2[j - 2] as number) + 1);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length] as number;
}
