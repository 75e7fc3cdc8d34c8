/**
 * A small offline sentiment scorer for feedback: a lexicon with negation and intensifiers,
 * normalised to -1 (very negative) .. 1 (very positive). Pure. Good enough to sort feedback
 * for a recruiter; not a language model.
 *
 * @example
 * scoreFeedbackSentiment('The interview was great, thanks!') // > 0.5
 * scoreFeedbackSentiment('not good, too long and confusing') // < 0
 */
export function scoreFeedbackSentiment(text: string): number {
  const words = text.toLowerCase().replace(/[’`]/g, "'").match(/[a-z']+/g) ?? [];
  let total = 0;
  for (let i = 0; i < words.length; i++) {
    const base = LEXICON[words[i] as string];
    if (base === undefined) continue;
    const window = words.slice(Math.max(0, i - 3), i);
    const negated = window.some((w) => NEGATIONS.has(w));
    const boosted = window.some((w) => INTENSIFIERS.has(w));
    total += base * (negated ? -0.75 : 1) * (boosted ? 1.5 : 1);
  }
  if (/!/.test(text)) total *= 1.1;
  // VADER-style normalisation: bounded, and a single word is not a verdict.
  return Math.round((total / Math.sqrt(total * total + 15)) * 1000) / 1000;
}

const NEGATIONS = new Set(['not', 'no', 'never', "don't", 'dont', "didn't", 'didnt', "wasn't", 'wasnt', "isn't", 'isnt', 'hardly', 'nothing', "wouldn't", "couldn't"]);
const INTENSIFIERS = new Set(['very', 'really', 'so', 'super', 'extremely', 'too', 'quite', 'totally']);

const LEXICON: Record<string, number> = {
  great: 3, excellent: 3, amazing: 3, awesome: 3, fantastic: 3, love: 3, loved: 3, perfect: 3, wonderful: 3,
  good: 2, nice: 2, helpful: 2, clear: 2, easy: 2, enjoyed: 2, enjoy: 2, smooth: 2, friendly: 2, fair: 1.5, interesting: 2,
  thanks: 1.5, thank: 1.5, happy: 2, like: 1, liked: 1.5, fun: 2, quick: 1, fast: 1, useful: 2, well: 1, ok: 0.5, okay: 0.5, fine: 0.5,
  bad: -2, poor: -2, terrible: -3, awful: -3, horrible: -3, hate: -3, hated: -3, worst: -3, useless: -3, rude: -3,
  confusing: -2, confused: -2, unclear: -2, hard: -1, difficult: -1, slow: -1.5, long: -1, boring: -2, annoying: -2.5, frustrating: -2.5,
  frustrated: -2.5, broken: -2.5, bug: -1.5, buggy: -2, unfair: -2.5, stressful: -2, stressed: -2, disappointed: -2.5, disappointing: -2.5,
  waste: -2.5, wrong: -1.5, problem: -1.5, problems: -1.5, spam: -2.5, weird: -1, repetitive: -1.5,
};
