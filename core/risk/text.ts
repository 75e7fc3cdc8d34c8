/** One unit of a message as the risk scorers read it. */
export interface Token {
  /** `break` is clause punctuation: it ends the reach of a negation or an intensifier. */
  kind: 'word' | 'emoji' | 'break';
  /** Lower-case word without apostrophes (`don't` -> `dont`), the bare emoji, or the punctuation. */
  text: string;
}

// Order matters: emoticons before punctuation, so ":)" is not read as a clause break.
const TOKEN_RE = /(\p{Extended_Pictographic})|((?:[:;=]'?-?[)(dDpP]|<3)(?![\p{L}\p{N}]))|([\p{L}\p{N}]+(?:['’‘][\p{L}]+)*)|([.,!?;:]+)/gu;

/**
 * Splits a message into words, emoji and clause breaks. Case, apostrophes and other
 * punctuation are dropped so "Don't!", "dont" and "DON’T" read the same; emoji skin tones
 * and variation selectors are dropped so 👍🏽 reads as 👍.
 *
 * @example
 * tokenize("Not good :(").map((t) => t.text) // ['not', 'good', ':(']
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const m of text.matchAll(TOKEN_RE)) {
    if (m[1] !== undefined) tokens.push({ kind: 'emoji', text: m[1] });
    else if (m[2] !== undefined) tokens.push({ kind: 'emoji', text: m[2].replace(/['-]/g, '').toUpperCase() });
    else if (m[3] !== undefined) tokens.push({ kind: 'word', text: m[3].toLowerCase().replace(/['’‘]/g, '') });
    else if (m[4] !== undefined) tokens.push({ kind: 'break', text: m[4] });
  }
  return tokens;
}

/** A phrase as the same word sequence `tokenize` produces, for matching. */
export function phraseWords(phrase: string): string[] {
  return tokenize(phrase)
    .filter((t) => t.kind === 'word')
    .map((t) => t.text);
}

/** Whether `words` appears in `tokens` starting at `at` (words only, no break in between). */
export function matchesAt(tokens: readonly Token[], at: number, words: readonly string[]): boolean {
  if (words.length === 0) return false;
  return words.every((w, i) => {
    const t = tokens[at + i];
    return t !== undefined && t.kind === 'word' && t.text === w;
  });
}

/** Clamps to [0, 1]. */
export function clamp01(x: number): number {
  return x <= 0 ? 0 : x >= 1 ? 1 : x;
}

/** Rounds to 4 decimals, so scores compare and print without float noise. */
export function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
