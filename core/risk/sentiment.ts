/**
 * Offline, lexicon-based sentiment (AFINN-style weights -5..5), with negation ("not good"),
 * intensifiers ("really bad"), emoji and recruiting phrases ("waste of time", "ghosted").
 */
const LEXICON: Record<string, number> = {
  // positive
  good: 2, great: 3, excellent: 3, amazing: 4, awesome: 4, love: 3, like: 2, happy: 3, glad: 3, excited: 3, thrilled: 4,
  interested: 2, interesting: 2, thanks: 2, thank: 2, appreciate: 2, helpful: 2, nice: 2, perfect: 3, fine: 1, ok: 1, okay: 1,
  sure: 1, yes: 1, enjoy: 2, enjoyed: 2, fun: 2, clear: 1, fair: 1, looking: 0, forward: 0, keen: 2, eager: 2, motivated: 2,
  // negative
  bad: -3, terrible: -4, awful: -4, horrible: -4, hate: -4, annoying: -3, annoyed: -3, angry: -3, frustrated: -3, frustrating: -3,
  disappointed: -3, disappointing: -3, boring: -2, confusing: -2, confused: -2, unfair: -3, rude: -3, slow: -1, late: -1,
  worried: -2, stressful: -2, stressed: -2, tired: -2, sad: -2, upset: -3, useless: -3, pointless: -3, waste: -3, ghosted: -4,
  spam: -3, stop: -1, never: -1, problem: -2, issue: -1, difficult: -1, hard: -1, unhappy: -3, ridiculous: -3, scam: -4, sorry: -1,
};
const PHRASES: [RegExp, number][] = [
  [/\bwaste of (my )?time\b/i, -4],
  [/\blooking forward\b/i, 3],
  [/\bno longer interested\b/i, -3],
  [/\bnot interested\b/i, -3],
  [/\bthank you\b/i, 2],
];
const EMOJI: [RegExp, number][] = [
  [/🙂|😊|😀|😃|😄|😁|👍|🙏|❤️|🎉|😍/gu, 2],
  [/🙁|😞|😠|😡|👎|😢|😭|🤬|😤|😒/gu, -3],
];
const NEGATORS = new Set(['not', 'no', 'never', 'dont', 'doesnt', 'didnt', 'isnt', 'wasnt', 'cant', 'cannot', 'wont', 'hardly', 'aint']);
const INTENSIFIERS: Record<string, number> = { very: 1.5, really: 1.5, so: 1.3, extremely: 2, super: 1.5, totally: 1.5, quite: 1.2, pretty: 1.2 };

export interface Sentiment {
  /** -1 (very negative) .. 1 (very positive). */
  score: number;
  /** Sum of weights per word, for comparisons across texts. */
  comparative: number;
  positive: string[];
  negative: string[];
}

/**
 * @example
 * scoreSentiment('not good, really annoying 🙁').score < 0 // true
 */
export function scoreSentiment(text: string): Sentiment {
  const positive: string[] = [];
  const negative: string[] = [];
  let total = 0;
  let rest = text;
  for (const [re, w] of PHRASES) {
    if (re.test(rest)) {
      total += w;
      (w > 0 ? positive : negative).push(re.source.replace(/\\b|\(|\)|\?/g, ''));
      rest = rest.replace(re, ' ');
    }
  }
  for (const [re, w] of EMOJI) {
    for (const m of rest.match(re) ?? []) {
      total += w;
      (w > 0 ? positive : negative).push(m);
    }
  }
  const words = rest.toLowerCase().replace(/[’']/g, '').split(/[^a-z]+/).filter(Boolean);
  words.forEach((w, i) => {
    const base = LEXICON[w];
    if (!base) return;
    let weight = base * (INTENSIFIERS[words[i - 1] ?? ''] ?? 1);
    const window = words.slice(Math.max(0, i - 3), i);
    if (window.some((x) => NEGATORS.has(x))) weight = -weight * 0.75;
    total += weight;
    (weight > 0 ? positive : negative).push(w);
  });
  const comparative = words.length ? total / words.length : total;
  return { score: Math.max(-1, Math.min(1, total / 6)), comparative, positive, negative };
}

const DISENGAGEMENT = [
  /\bnot interested\b/i,
  /\bno longer (interested|looking)\b/i,
  /\b(found|got|accepted|took) (another|a different|a new|an other) (job|offer|position|role)\b/i,
  /\baccepted an offer\b/i,
  /\bstop (messaging|texting|contacting|writing to) me\b/i,
  /\b(too|very) busy\b/i,
  /\bwithdraw (my )?(application|candidacy)\b/i,
  /\bleave me alone\b/i,
  /\bunsubscribe\b/i,
];

/** The disengagement phrase in a message ("found another job"), or undefined. */
export function disengagementPhrase(text: string): string | undefined {
  const flat = text.replace(/[^\p{L}\p{N}\s']/gu, ' ').replace(/\s+/g, ' ');
  for (const re of DISENGAGEMENT) {
    const m = re.exec(flat);
    // "not interested in frontend, more backend" is a preference, not a goodbye.
    if (m && !(re.source.includes('not interested') && /\bnot interested in\b/i.test(flat))) return m[0].toLowerCase();
  }
  return undefined;
}
