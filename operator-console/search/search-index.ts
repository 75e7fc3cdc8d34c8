/**
 * Full-text search over the console's conversations: every message text, candidate names,
 * emails and phones, and operators' notes. A port: the embedded store has an SQLite FTS5
 * implementation (`SqliteSearchIndex`); a scale-out store can put a text index behind it.
 */
export interface SearchIndex {
  search(query: string, opts?: { limit?: number }): Promise<SearchHit[]>;
}

export type SearchHitKind = 'message' | 'candidate' | 'note';

export interface SearchHit {
  kind: SearchHitKind;
  conversationId: string;
  /** The message or note id (absent for a candidate match). */
  ref?: string;
  /** Text around the match; matched words are wrapped in MATCH_START / MATCH_END. */
  snippet: string;
}

/** Marks around matched words in `SearchHit.snippet` (control characters: never in user text after clean-up). */
export const MATCH_START = '\u0002';
export const MATCH_END = '\u0003';

/** At most this many words are searched (the rest of a pasted paragraph is ignored). */
const MAX_TERMS = 8;

/**
 * An operator's free text as an FTS5 query: each word a quoted prefix term, all required.
 * Returns undefined when nothing searchable is left (punctuation only).
 *
 * @example
 * ftsQuery('Berl salary') // '"berl"* "salary"*'
 */
export function ftsQuery(text: string): string | undefined {
  const terms = text
    .normalize('NFKC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0)
    .slice(0, MAX_TERMS)
    .map((t) => `"${t.toLowerCase()}"*`);
  return terms.length ? terms.join(' ') : undefined;
}
