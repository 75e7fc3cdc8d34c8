import type { Connection } from 'mongoose';
import { collectionOf } from '../../core/store/mongo/index.js';
import { ftsQuery, MATCH_END, MATCH_START, type SearchHit, type SearchIndex } from './search-index.js';

type Doc = { _id: string } & Record<string, unknown>;

/** The words of an operator's query, as the FTS5 query of the embedded index has them (one rule). */
export function queryTerms(text: string): string[] {
  const q = ftsQuery(text);
  return q ? [...q.matchAll(/"([^"]+)"\*/g)].map((m) => m[1] as string) : [];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A term as a word prefix (what FTS5's `"term"*` matches), case-insensitive. */
const prefixPattern = (term: string) => `(?<![\\p{L}\\p{N}])${escape(term)}`;

/** A MongoDB filter: every term is a word prefix somewhere in `field`. */
export function termsFilter(field: string, terms: readonly string[]): Record<string, unknown> {
  return { $and: terms.map((t) => ({ [field]: { $regex: prefixPattern(t), $options: 'i' } })) };
}

/**
 * Text around the first matched word, about `words` words, with every word that starts with a
 * term wrapped in MATCH_START / MATCH_END and `…` where it was cut (as FTS5's `snippet`).
 */
export function snippet(text: string, terms: readonly string[], words = 12): string {
  const tokens = text.split(/(\s+)/).filter((t) => t.length > 0);
  const matches = (word: string) => terms.some((t) => new RegExp(`^[^\\p{L}\\p{N}]*${escape(t)}`, 'iu').test(word));
  const wordIdx = tokens.map((t, i) => (/^\s+$/.test(t) ? -1 : i)).filter((i) => i >= 0);
  const first = wordIdx.findIndex((i) => matches(tokens[i] as string));
  const start = Math.max(0, (first < 0 ? 0 : first) - Math.floor(words / 3));
  const picked = wordIdx.slice(start, start + words);
  const out = picked.map((i) => (matches(tokens[i] as string) ? `${MATCH_START}${tokens[i]}${MATCH_END}` : tokens[i])).join(' ');
  return `${start > 0 ? '…' : ''}${out}${start + words < wordIdx.length ? '…' : ''}`;
}

/**
 * Console search on MongoDB: candidates (name, email, phone), notes and message texts, every
 * word of the query a word prefix (as the embedded FTS5 index), case-insensitive. No ranking
 * index: each kind is cut to its newest `limit` matches, people first. The filters are regular
 * expressions, so MongoDB scans the collections: fine for a console's occasional search, slower
 * than the embedded FTS5 index on a large install (no figures measured: no MongoDB here).
 * Diacritics are not folded (FTS5's `remove_diacritics` is).
 */
export class MongoSearchIndex implements SearchIndex {
  constructor(private readonly conn: Connection) {}

  async search(text: string, opts: { limit?: number } = {}): Promise<SearchHit[]> {
    const terms = queryTerms(text);
    if (!terms.length) return [];
    const limit = Math.min(200, Math.max(1, opts.limit ?? 50));
    const col = (name: string) => collectionOf<Doc>(this.conn, name);
    const people = await col('candidates')
      .find({ $and: terms.map((t) => ({ $or: ['name', 'email', 'phone'].map((f) => ({ [f]: { $regex: prefixPattern(t), $options: 'i' } })) })) })
      .sort({ updatedAt: -1 })
      .limit(limit)
      .toArray();
    const hits: SearchHit[] = [];
    for (const p of people) {
      const [conv] = await col('conversations').find({ candidateId: p._id }).sort({ lastActivityAt: -1 }).limit(1).toArray();
      if (!conv) continue;
      const body = [p.name, p.email, p.phone, typeof p.phone === 'string' ? p.phone.replace('+', '') : undefined].filter((v) => typeof v === 'string' && v).join(' ');
      hits.push({ kind: 'candidate', conversationId: conv._id, snippet: snippet(body, terms) });
    }
    for (const n of await col('console_notes').find(termsFilter('text', terms)).sort({ createdAt: -1 }).limit(limit).toArray()) {
      hits.push({ kind: 'note', conversationId: n.conversationId as string, ref: n._id, snippet: snippet(String(n.text), terms) });
    }
    for (const m of await col('messages').find(termsFilter('text', terms)).sort({ _seq: -1 }).limit(limit).toArray()) {
      hits.push({ kind: 'message', conversationId: m.conversationId as string, ref: m._id, snippet: snippet(String(m.text), terms) });
    }
    return hits.slice(0, limit);
  }
}
