/**
 * Misconceptions (a rubric's red flags) stated by an answer, negation-aware: "it compares with
 * Object.is, not a deep comparison" corrects the red flag "react compares dependencies with a deep
 * equality check", it does not state it. Words in the scope of a negation carry a mark ("¬deep"),
 * both in the answer and in the red flag, so a red flag that itself says "never" matches only an
 * answer that says "never" too. A red flag is stated when one sentence of the answer holds at
 * least RED_FLAG_SHARE of its words, with their marks, in the flag's order.
 */
import { RUBRIC_STOP_WORDS, stem, tokenize } from './lexicon.js';

/** Share of a red flag's words one sentence of the answer must say to state it... */
export const RED_FLAG_SHARE = 0.8;
/** ...and the share it must say in the red flag's order ("fires once React applied the DOM changes, before paint" is not "fires before React updates the DOM"). */
export const IN_ORDER_SHARE = 0.7;
/** How many words after "not", "never", "instead of"... a negation reaches (within its clause). */
const NEGATION_REACH = 5;
const NEGATORS = new Set(['not', 'never', 'no', 'nor', 'neither', 'cannot', 'without', 'avoid', 'isnt', 'arent', 'wasnt', 'werent', 'doesnt', 'dont', 'didnt', 'wont', 'cant', 'shouldnt', 'mustnt', 'wouldnt', 'couldnt', 'hasnt', 'havent', 'aint']);
/** Two-word negators: "instead of X", "rather than X". */
const NEGATOR_PAIRS = new Set(['instead of', 'rather than']);
/** "not only X but", "not just X": not a negation of X. */
const NOT_A_NEGATION = new Set(['only', 'just', 'necessarily']);
/** Everything after these in a sentence is what the answer rejects ("a common misconception is that X"). */
const REJECTION = /\b(?:misconceptions?|myths?|mistaken(?:ly)?|wrongly|not true|isn'?t true|contrary to|wrong to (?:say|think))\b/i;

/**
 * The red flags of `redFlags` that `answer` states (not those it rejects).
 *
 * @example
 * statedRedFlags('Object.is, not a deep comparison.', ['react compares with a deep comparison']); // []
 */
export function statedRedFlags(answer: string, redFlags: readonly string[]): string[] {
  if (redFlags.length === 0) return [];
  const sentences = splitSentences(answer).map(polarStems);
  return redFlags.filter((flag) => {
    const wanted = polarStems(flag);
    if (wanted.length === 0) return false;
    return sentences.some((s) => {
      const present = new Set(s);
      return wanted.filter((w) => present.has(w)).length >= RED_FLAG_SHARE * wanted.length && inOrder(wanted, s) >= IN_ORDER_SHARE * wanted.length;
    });
  });
}

function splitSentences(text: string): string[] {
  return text.split(/(?<=[.!?;])\s+|\n+/).filter((s) => s.trim());
}

/**
 * A sentence's content stems in order, each marked "¬" when a negation governs it: up to
 * NEGATION_REACH words after a negator, within its clause (a comma, dash, colon, bracket or "but"
 * ends it), or everything after a phrase that rejects what follows ("a common myth is").
 */
export function polarStems(sentence: string): string[] {
  const out: string[] = [];
  let rejected = false;
  for (const clause of sentence.split(/(?=[,:()–—])|\s-\s|\bbut\b/i)) {
    rejected ||= REJECTION.test(clause);
    const words = tokenize(clause);
    let reach = 0;
    for (let i = 0; i < words.length; i++) {
      const w = words[i] as string;
      if (NEGATORS.has(w) && !NOT_A_NEGATION.has(words[i + 1] ?? '')) {
        reach = NEGATION_REACH;
        continue;
      }
      if (NEGATOR_PAIRS.has(`${w} ${words[i + 1] ?? ''}`)) {
        reach = NEGATION_REACH + 1;
        continue;
      }
      const negated = reach > 0 || rejected;
      if (reach > 0) reach--;
      if (RUBRIC_STOP_WORDS.has(w)) continue;
      out.push(negated ? `¬${stem(w)}` : stem(w));
    }
  }
  return out;
}

/** Length of the longest common subsequence of the two stem lists. */
function inOrder(a: readonly string[], b: readonly string[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    const cur = [0];
    for (let j = 1; j <= b.length; j++) cur.push(x === b[j - 1] ? (prev[j - 1] as number) + 1 : Math.max(prev[j] as number, cur[j - 1] as number));
    prev = cur;
  }
  return prev[b.length] as number;
}
