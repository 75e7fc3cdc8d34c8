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
 * ";") and keeps as key concepts the points that say something the question does not already say;
 * alternatives the reference offers ("one of the following ...") are one concept, and a point's
 * example is not needed to say it.
 *
 * @example
 * rubricFromReference('What does TCP add over IP?', 'Reliable delivery. Ordering; flow control.').keyConcepts.length; // 3
 */
export function rubricFromReference(questionText: string, reference: string): Rubric {
  const asked = new Set(contentStems(questionText));
  const askedPolar = new Set(polarStems(questionText));
  // "Arrivals are not independent" says more than "Are arrivals independent?": the negation is new.
  const points = splitPoints(reference).filter(
    (p) => contentStems(p).some((s) => !asked.has(s)) || polarStems(p).some((s) => s.startsWith('¬') && !askedPolar.has(s)),
  );
  const groups = alternatives(points).slice(0, MAX_CONCEPTS);
  const keyConcepts = (groups.length ? groups : [[reference.trim()]]).map(([p = '', ...others]) => ({
    concept: p.length > MAX_CONCEPT_CHARS ? `${p.slice(0, MAX_CONCEPT_CHARS - 3).trimEnd()}...` : p,
    // The best-covered synonym counts (features.ts), so each alternative is one too, and the point without its example.
    synonyms: [...(p.length > MAX_CONCEPT_CHARS ? [p] : []), ...others, ...withoutExample(p)],
    weight: 1,
  }));
  return { keyConcepts, strongAnswerPoints: [reference.trim()], redFlags: [] };
}

/** Where a point's example or restatement starts: "e.g.", "for example", "such as", "i.e.". */
const EXAMPLE = /[,;(]?\s*\b(?:e\.\s?g\b\.?|for example|for instance|such as|i\.\s?e\b\.?)/i;

/**
 * The point without its example ("Diameter decreases by a factor of 10, e.g. 300m to 30m": "Diameter
 * decreases by a factor of 10"), when what comes before the example has two content words or more:
 * an example illustrates the point, an answer need not repeat it. (SAF: train 0.427 -> 0.434.)
 */
function withoutExample(point: string): string[] {
  const m = EXAMPLE.exec(point);
  if (!m || m.index === 0) return [];
  const head = point.slice(0, m.index).trim();
  return contentStems(head).length >= 2 ? [head] : [];
}

/** A point that announces alternatives: "One of the following justifications should be given:". */
const ALTERNATIVES = /\b(?:one|any|either) of the following\b/i;
/** A point that opens another part of the reference with a label ("Data plane: ..."): the alternatives end before it. */
const LABEL = /^\p{L}[\p{L}\s-]{0,30}:\s*\S/u;

/**
 * The points grouped into concepts: each point alone, except that the points after one that
 * announces alternatives ("one of the following ... should be given:"), up to the end or the next
 * labelled point, are one concept, said by saying any of them. The announcement is an
 * instruction to graders, not a concept. (SAF: an answer giving one justification of three was
 * missing two thirds of the rubric.)
 */
function alternatives(points: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < points.length; i++) {
    if (!ALTERNATIVES.test(points[i] as string)) {
      out.push([points[i] as string]);
      continue;
    }
    const group: string[] = [];
    while (i + 1 < points.length && !LABEL.test(points[i + 1] as string)) group.push(points[++i] as string);
    if (group.length) out.push(group);
  }
  return out;
}

/** The reference's points, in order, without list markers (a number such as "0.5" is not one). */
export function splitPoints(reference: string): string[] {
  return reference
    .split(/\n+|[●○•▪◦]|(?<=[.!?])\s+(?=[A-Z0-9(])|;\s+|\s(?=\d[.)]\s?[A-Za-z])/u)
    .map((p) => p.replace(/^\s*(?:[-*–]|\d+[.)](?!\d)|[a-z][.)])\s*/u, '').trim())
    .filter((p) => p.length > 2);
}
