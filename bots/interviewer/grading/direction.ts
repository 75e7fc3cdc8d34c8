/**
 * Which way a sentence says a quantity moves: up ("increases", "grows", "doubles") or down
 * ("decreases", "reduces", "shrinks", "halves"). A reference point that says "the diameter
 * decreases" is said by "the diameter shrinks" and contradicted by "the diameter increases".
 * Only verbs of change: comparatives ("more", "shorter") flip with the sentence's subject ("UDP's
 * header is shorter" is "TCP's header is longer"), so they are left out.
 */
import { stem, tokenize } from './lexicon.js';

const UP = new Set(
  'increase increases increased increasing grow grows grew grown growing growth rise rises rising rose raise raises raised expand expands expanded expanding double doubles doubled doubling multiply multiplies multiplied'.split(' '),
);
const DOWN = new Set(
  'decrease decreases decreased decreasing reduce reduces reduced reducing reduction shrink shrinks shrank shrunk shrinking diminish diminishes diminished diminishing decline declines declined declining halve halves halved halving'.split(' '),
);

/** Up (1), down (-1), or none: no word of change, or words of both ways (0). */
export type Direction = 1 | -1 | 0;

/** The stems of each way's words: a sentence that says one way has all of them, for matching a reference point's word of change. */
export const DIRECTION_STEMS: Readonly<Record<1 | -1, readonly string[]>> = {
  1: [...new Set([...UP].map(stem))],
  [-1]: [...new Set([...DOWN].map(stem))],
};

/**
 * @example
 * directionOf('The diameter shrinks by a factor of 10.'); // -1
 * directionOf('If the speed increases, the diameter decreases.'); // 0
 */
export function directionOf(text: string): Direction {
  let up = false;
  let down = false;
  for (const w of tokenize(text)) {
    up ||= UP.has(w);
    down ||= DOWN.has(w);
  }
  return up === down ? 0 : up ? 1 : -1;
}
