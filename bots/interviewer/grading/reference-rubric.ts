/**
 * Turns a reference (model) answer into a rubric mechanically, for questions that come with a
 * reference answer but no hand-written rubric (imported question sets, the grading benchmark).
 * Works for any question: no per-question rules.
 */
import type { Rubric } from '../../../core/interview/types.js';
import { contentStems } from './lexicon.js';
import { polarStems } from './red-flags.js';

const MAX_CONCEPTS = 12;
const MAX_CONCEPT_CHARS = 120;

/**
 * Splits the reference into its points (lines, bullets, numbered items, sentences, clauses after
 * ";") and keeps as key concepts the points that say something the question does not already say.
 *
 * @example
 * rubricFromReference('What does TCP add over IP?', 'Reliable delivery. Ordering; flow control.').keyConcepts.length; // 3
 */
export function rubricFromReference(questionText: string, reference: string): Rubric {
  const asked = new Set(contentStems(questionText));
  const askedPolar = new Set(polarStems(questionText));
  // "Arrivals are not independent" says more than "Are arrivals independent?": the negation is new.
  const points = splitPoints(reference)
    .filter((p) => contentStems(p).some((s) => !asked.has(s)) || polarStems(p).some((s) => s.startsWith('¬') && !askedPolar.has(s)))
    .slice(0, MAX_CONCEPTS);
  const keyConcepts = (points.length ? points : [reference.trim()]).map((p) => ({
    concept: p.length > MAX_CONCEPT_CHARS ? `${p.slice(0, MAX_CONCEPT_CHARS - 3).trimEnd()}...` : p,
    synonyms: p.length > MAX_CONCEPT_CHARS ? [p] : [],
    weight: 1,
  }));
  return { keyConcepts, strongAnswerPoints: [reference.trim()], redFlags: [] };
}

/** The reference's points, in order, without list markers (a number such as "0.5" is not one). */
export function splitPoints(reference: string): string[] {
  return reference
    .split(/\n+|[●○•▪◦]|(?<=[.!?])\s+(?=[A-Z0-9(])|;\s+|\s(?=\d[.)]\s?[A-Za-z])/u)
    .map((p) => p.replace(/^\s*(?:[-*–]|\d+[.)](?!\d)|[a-z][.)])\s*/u, '').trim())
    .filter((p) => p.length > 2);
}
