import type { Candidate, Conversation, DomainEvent } from '../../core/domain/index.js';
import type { Store } from '../../core/ports/index.js';

/** A candidate and their most recently active conversation. */
export interface CandidateRecord {
  candidate: Candidate;
  conversation: Conversation | undefined;
}

export type Lookup = { type: 'one'; record: CandidateRecord } | { type: 'none' } | { type: 'many'; candidates: Candidate[] };

const MAX_CHOICES = 10;

/**
 * Find a candidate by id (`cand_…` or a conversation's `conv_…`), phone (any formatting, at least
 * 6 digits) or name (exact first, then every word contained). Several matches are returned for
 * the caller to ask which.
 *
 * @example
 * await findCandidate(store, 'ana') // { type: 'many', candidates: [Ana Lima, Ana Souza] }
 */
export async function findCandidate(store: Store, query: string): Promise<Lookup> {
  const q = query.trim();
  if (!q) return { type: 'none' };
  const byId = await byIdentifier(store, q);
  if (byId) return { type: 'one', record: await withConversation(store, byId) };
  const all = await store.listCandidates();
  const matches = matchCandidates(all, q);
  if (matches.length === 0) return { type: 'none' };
  if (matches.length === 1) return { type: 'one', record: await withConversation(store, matches[0] as Candidate) };
  return { type: 'many', candidates: matches.slice(0, MAX_CHOICES) };
}

/** Pure: the candidates a phone number or name query matches, best matches only. */
export function matchCandidates(candidates: readonly Candidate[], query: string): Candidate[] {
  const digits = query.replace(/[^\d]/g, '');
  if (digits.length >= 6 && /^[+\d\s().-]+$/.test(query)) {
    return candidates.filter((c) => {
      const phone = (c.phone ?? '').replace(/[^\d]/g, '');
      return phone.length > 0 && (phone === digits || phone.endsWith(digits));
    });
  }
  const needle = fold(query);
  const exact = candidates.filter((c) => c.name && fold(c.name) === needle);
  if (exact.length > 0) return exact;
  const words = needle.split(' ');
  return candidates.filter((c) => c.name && words.every((w) => fold(c.name as string).split(' ').some((part) => part.startsWith(w))));
}

/** A candidate with their most recently active conversation (if any). */
export async function withConversation(store: Store, candidate: Candidate): Promise<CandidateRecord> {
  const [conversation] = await store.listConversations({ candidateId: candidate.id, limit: 1 });
  return { candidate, conversation };
}

async function byIdentifier(store: Store, q: string): Promise<Candidate | undefined> {
  if (q.startsWith('cand_')) return store.getCandidate(q);
  if (q.startsWith('conv_')) {
    const conversation = await store.getConversation(q);
    return conversation && store.getCandidate(conversation.candidateId);
  }
  return undefined;
}

function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

export type RiskAssessment = Extract<DomainEvent, { type: 'RiskAssessed' }>;

/** Risk assessments older than this are stale (the sweep re-scores every few minutes). */
const RISK_LOOKBACK_MS = 30 * 24 * 3600_000;

/** The candidate's latest `RiskAssessed` event, if any. */
export async function latestRisk(store: Store, candidateId: string, now: Date): Promise<RiskAssessment | undefined> {
  const events = await store.listEvents({ candidateId, types: ['RiskAssessed'], after: new Date(now.getTime() - RISK_LOOKBACK_MS) });
  return events.at(-1) as RiskAssessment | undefined;
}

const CLOSED_STAGES = new Set(['hired', 'rejected', 'withdrawn']);

/** Open candidates whose latest risk assessment is high, highest score first. */
export async function atRiskCandidates(store: Store, now: Date): Promise<{ candidate: Candidate; risk: RiskAssessment }[]> {
  const open = (await store.listCandidates()).filter((c) => !CLOSED_STAGES.has(c.stage));
  const rows: { candidate: Candidate; risk: RiskAssessment }[] = [];
  for (const candidate of open) {
    const risk = await latestRisk(store, candidate.id, now);
    if (risk && risk.level.toLowerCase() === 'high') rows.push({ candidate, risk });
  }
  return rows.sort((a, b) => b.risk.score - a.risk.score);
}
