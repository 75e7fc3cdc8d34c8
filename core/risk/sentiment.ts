import { EMOJI_WEIGHTS, INTENSIFIERS, LIKE_NEUTRALIZERS, NEGATION_SCALAR, NEGATORS, PHRASE_WEIGHTS, WORD_WEIGHTS } from './lexicon.js';
import { matchesAt, phraseWords, round4, tokenize, type Token } from './text.js';

/** What `scoreSentiment` finds in one message. */
export interface Sentiment {
  /** Overall tone, -1 (very negative) .. 1 (very positive); 0 when nothing scored. */
  score: number;
  /** AFINN's comparative score: summed weights per word (unbounded, comparable across lengths). */
  comparative: number;
  /** Terms that pushed the score up, as read ("very good", "not bad", "🙂"). */
  positive: string[];
  /** Terms that pushed the score down, as read ("not good", "waste of time", "🙁"). */
  negative: string[];
}

/** How far back (in words, within one clause) a negator or an intensifier reaches. */
const REACH = 3;
/** Squashes the summed weight into -1..1 (VADER's normalisation): ±4 reads as about ±0.72. */
const NORMALISATION_ALPHA = 15;

const PHRASES = [...PHRASE_WEIGHTS]
  .map(([phrase, weight]) => ({ phrase, words: phraseWords(phrase), weight }))
  .sort((a, b) => b.words.length - a.words.length);

interface Unit {
  term: string;
  weight: number;
  /** Index of the unit's first token, where the look-back for modifiers starts. */
  start: number;
}

/**
 * Scores the tone of one message with the offline lexicon: each known word, phrase or emoji
 * adds its weight; a negator up to three words before flips it ("not good", "don't really
 * like"), an intensifier scales it ("very good"), a clause break (`.,!?;`) ends their reach.
 *
 * @example
 * scoreSentiment('This is not good 🙁') // { score: -0.7391, comparative: -0.85, positive: [], negative: ['not good', '🙁'] }
 * scoreSentiment('Really looking forward to it!').score // 0.7579
 */
export function scoreSentiment(text: string): Sentiment {
  const tokens = tokenize(text);
  const positive: string[] = [];
  const negative: string[] = [];
  let sum = 0;
  for (const unit of units(tokens)) {
    const { weight, label } = modify(tokens, unit);
    if (weight === 0) continue;
    sum += weight;
    (weight > 0 ? positive : negative).push(label);
  }
  const words = tokens.filter((t) => t.kind !== 'break').length;
  return {
    score: round4(sum / Math.sqrt(sum * sum + NORMALISATION_ALPHA)),
    comparative: words === 0 ? 0 : round4(sum / words),
    positive,
    negative,
  };
}

/** The sentiment-bearing units of a message, phrases taking precedence over their words. */
function units(tokens: readonly Token[]): Unit[] {
  const found: Unit[] = [];
  for (let i = 0; i < tokens.length; ) {
    const token = tokens[i]!;
    const phrase = token.kind === 'word' ? PHRASES.find((p) => matchesAt(tokens, i, p.words)) : undefined;
    if (phrase) {
      found.push({ term: phrase.phrase, weight: phrase.weight, start: i });
      i += phrase.words.length;
      continue;
    }
    const weight = token.kind === 'emoji' ? EMOJI_WEIGHTS.get(token.text) : token.kind === 'word' ? wordWeight(tokens, i) : undefined;
    if (weight !== undefined) found.push({ term: token.text, weight, start: i });
    i += 1;
  }
  return found;
}

function wordWeight(tokens: readonly Token[], i: number): number | undefined {
  const word = tokens[i]!.text;
  const before = tokens[i - 1];
  if (word === 'like' && before?.kind === 'word' && LIKE_NEUTRALIZERS.has(before.text)) return undefined;
  return WORD_WEIGHTS.get(word);
}

/**
 * Applies the negator and intensifier before a unit. An intensifier between the negator and
 * the word is ignored ("not very good" is no worse than "not good"); one before the negator
 * counts ("really don't like").
 */
function modify(tokens: readonly Token[], unit: Unit): { weight: number; label: string } {
  if (tokens[unit.start]?.kind === 'emoji') return { weight: unit.weight, label: unit.term };
  let negator: number | undefined;
  let intensifier: number | undefined;
  for (let i = unit.start - 1; i >= 0 && i >= unit.start - REACH; i--) {
    const t = tokens[i]!;
    if (t.kind !== 'word') break;
    if (negator === undefined && NEGATORS.has(t.text)) negator = i;
    else if (intensifier === undefined && INTENSIFIERS.has(t.text)) intensifier = i;
  }
  if (intensifier !== undefined && negator !== undefined && intensifier > negator) intensifier = undefined;
  const scale = intensifier === undefined ? 1 : INTENSIFIERS.get(tokens[intensifier]!.text)!;
  const weight = unit.weight * scale * (negator === undefined ? 1 : NEGATION_SCALAR);
  const label = [intensifier, negator].filter((i) => i !== undefined).map((i) => tokens[i]!.text);
  return { weight: round4(weight), label: [...label, unit.term].join(' ') };
}
