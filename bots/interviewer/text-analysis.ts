/**
 * Tokenising, stemming and phrase matching for rubric checks (red flags, bank checks). The word
 * rules themselves live in grading/lexicon.ts: hyphenated terms keep their parts
 * ("pass-by-reference" is pass, by, reference), so each part can match on its own.
 */
import { stem, tokenize } from './grading/lexicon.js';

export { stem, tokenize };

/**
 * The few words too common to matter in a red flag or a rubric phrase. Shorter than the grader's
 * list on purpose: "should", "each", "them" help tell a misconception from its correction.
 */
const STOP = new Set('a an the and or but of to in on at for with by is are was were be been it its this that these those i you we they he she as from into than then so if not no do does did can could would should will just very really about also'.split(' '));

/** Content-word stems of a text (stop words dropped). */
export function stems(text: string): string[] {
  return tokenize(text)
    .filter((t) => !STOP.has(t))
    .map(stem);
}

/**
 * Whether `phrase` occurs in the answer's stems as a sequence, allowing up to two filler words
 * between phrase words (one hyphenated word is two: "move fast-changing state down"). A one-word
 * phrase is a plain membership test.
 */
export function containsPhrase(answer: readonly string[], phrase: string): boolean {
  const p = stems(phrase);
  if (p.length === 0) return false;
  for (let i = 0; i < answer.length; i++) {
    if (answer[i] !== p[0]) continue;
    let j = i;
    let matched = 1;
    for (let k = 1; k < p.length; k++) {
      const at = answer[j + 1] === p[k] ? j + 1 : answer[j + 2] === p[k] ? j + 2 : answer[j + 3] === p[k] ? j + 3 : -1;
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
