/**
 * Results of a calculation (issue 11): where the reference answer works a number out ("= 0.0508",
 * "= 56.9512 seconds"), an answer that states a result of its own that the reference and the
 * question never write, and never writes the reference's results, has most likely got the
 * calculation wrong. Numbers are read as the grader reads them elsewhere (a decimal comma is a
 * point; a number rounded or cut to the decimals it shows, with two significant digits, is the same).
 */

/**
 * What an answer that states another result keeps of its accuracy: the same as one that takes the
 * other side of the question's choice (score.ts WRONG_SIDE_KEEPS). On SAF the rule fires only on
 * the queueing calculation (12.2), where the eight answers it hits got 0.125 of the marks on
 * average; five folds of train questions cannot choose a constant for one question (0.3 / 0.5 / 0.7
 * all raise the fold holding it, +0.042 / +0.033 / +0.021 pooled r), so it is not chosen on SAF.
 */
export const WRONG_RESULT_KEEPS = 0.3;

/** What the reference works out, and every number the question and the reference write. */
export interface Results {
  /** Numbers right after "=" in the reference that the question does not give (a single digit only with decimals). */
  results: string[];
  /** Units written after those results ("seconds"): a number the answer writes with one is a result too. */
  units: string[];
  /** Every number of the question and the reference. */
  known: string[];
}

const NUMBER = String.raw`(\d+(?:[.,]\d+)?)(?!\s*[\d^*/(+-]|,\d)`;
const UNIT = /^(?:s|secs?|seconds?|ms|milliseconds?|minutes?|hours?|bits?|bytes?|kb|mb|gb|m|km|meters?|metres?|packets?)$/i;
const numbersIn = (text: string) => [...text.matchAll(/\d+(?:[.,]\d+)?/g)].map((m) => m[0]);
const value = (x: string) => Number(x.replace(',', '.'));
const decimals = (x: string) => x.split(/[.,]/)[1]?.length ?? 0;
const significant = (x: string) => x.replace(/[.,]/, '').replace(/^0+/, '').length;

/** The reference's results; none when it works nothing out. */
export function resultsOf(question: string, reference: string | undefined): Results {
  if (!reference) return { results: [], units: [], known: [] };
  const given = numbersIn(question).map(value);
  const results: string[] = [];
  const units = new Set<string>();
  for (const m of reference.matchAll(new RegExp(String.raw`=\s*${NUMBER}\s*([a-z]+)?`, 'gi'))) {
    const n = m[1] as string;
    if (given.includes(value(n)) || (decimals(n) === 0 && significant(n) < 2)) continue;
    results.push(n);
    if (m[2] && UNIT.test(m[2])) units.add(m[2].toLowerCase());
  }
  return { results, units: [...units], known: numbersIn(`${question} ${reference}`) };
}

/** Whether two written numbers are the same value, one rounded or cut to the decimals it shows (two significant digits at least). */
export function sameValue(a: string, b: string): boolean {
  const [short, long] = decimals(a) <= decimals(b) ? [a, b] : [b, a];
  if (value(short) === value(long)) return true;
  const gap = Math.abs(value(short) - value(long));
  // Within 1%: a calculation that rounded its steps ("56.94" for 56.9512, "82.02%" for 0.8208).
  return significant(short) >= 2 && (gap < 10 ** -decimals(short) || gap <= 0.01 * Math.abs(value(long)));
}
// A percentage is its fraction ("5.08%" for 0.0508).
const sameAsAny = (n: string, xs: readonly string[]) => xs.some((x) => sameValue(n, x) || sameValue(String(value(n) / 100), x));

/**
 * A result the answer states (after "=", "is", "of", or with the reference result's unit) that no
 * number of the question or the reference is, in an answer that never writes the reference's
 * results: what it says as a red flag (`states 58 where the reference answer works out 56.9512`),
 * undefined when it states none.
 */
export function wrongResult(r: Results, answer: string): string | undefined {
  if (!r.results.length) return undefined;
  if (numbersIn(answer).some((n) => sameAsAny(n, r.results))) return undefined;
  const stated = [...answer.matchAll(new RegExp(String.raw`(?:=|≈|~|\bis|\bare|\bbe|\bof)\s*${NUMBER}`, 'gi'))].map((m) => m[1] as string);
  if (r.units.length) stated.push(...[...answer.matchAll(new RegExp(String.raw`${NUMBER}\s*(?:${r.units.join('|')})\b`, 'gi'))].map((m) => m[1] as string));
  const wrong = stated.find((n) => !sameAsAny(n, r.known));
  return wrong === undefined ? undefined : `states ${wrong} where the reference answer works out ${r.results.at(-1) as string}`;
}
