/**
 * Tokenising, stemming and phrase matching for rubric checks (red flags, bank checks). The word
 * rules themselves live in grading/lexicon.ts: hyphenated terms keep their parts
 * ("pass-by-reference" is pass, by, reference), so each part can match on its own.
 */
import { rubricStems, stem, tokenize } from './grading/lexicon.js';

export { stem, tokenize };

/** Content-word stems of a text, for rubric phrases and red flags (grading/lexicon.ts RUBRIC_STOP_WORDS dropped). */
export function stems(text: string): string[] {
  return rubricStems(text);
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
