import type { DomainEvent } from '../../core/domain/index.js';

/** What a recruiting team does for a candidate at risk of dropping out. */
export const INTERVENTION_KINDS = ['nudge', 'recruiter-message', 'takeover'] as const;
export type InterventionKind = (typeof INTERVENTION_KINDS)[number];

/** A candidate who answers within this long after an intervention re-engaged. */
export const REENGAGE_WINDOW_MS = 48 * 3600 * 1000;

/** Event types the intervention figures read. */
export const INTERVENTION_EVENT_TYPES = ['CandidateAtRisk', 'RiskAssessed', 'MessageReceived', 'NudgeSent', 'OperatorTakeover', 'OperatorAction'] as const;

export interface InterventionFigures {
  kind: InterventionKind;
  /** Interventions on an at-risk candidate whose 48 h have passed (or who answered already). */
  attempts: number;
  /** Of those, how many were followed by a candidate message within 48 h. */
  reEngaged: number;
  /** reEngaged / attempts, or null without attempts. */
  rate: number | null;
  /** Interventions less than 48 h old with no answer yet (not counted above). */
  pending: number;
}

function kindOf(e: DomainEvent): InterventionKind | undefined {
  if (e.type === 'NudgeSent') return 'nudge';
  if (e.type === 'OperatorTakeover') return 'takeover';
  if (e.type === 'OperatorAction' && e.action === 'message-sent') return 'recruiter-message';
  return undefined;
}

/** A risk signal: true when it puts the candidate at risk, false when it clears them. */
function riskSignal(e: DomainEvent): boolean | undefined {
  if (e.type === 'CandidateAtRisk') return true;
  if (e.type === 'RiskAssessed') return e.level === 'high';
  return undefined;
}

/**
 * Intervention success per kind: after a nudge, a recruiter's message or a takeover on a candidate
 * at risk (their latest risk signal is an alert or a high assessment, and they have not written
 * since), did the candidate write again within 48 h? Each kind counts once per at-risk episode
 * (five nudges in a row are one nudge). Pure: `now` decides which are still pending.
 *
 * @example
 * interventionSuccess(events, now) // [{ kind: 'nudge', attempts: 4, reEngaged: 1, rate: 0.25, pending: 0 }, ...]
 */
export function interventionSuccess(events: readonly DomainEvent[], now: Date): InterventionFigures[] {
  const byCandidate = new Map<string, DomainEvent[]>();
  for (const e of events) {
    if (!e.candidateId) continue;
    const list = byCandidate.get(e.candidateId);
    if (list) list.push(e);
    else byCandidate.set(e.candidateId, [e]);
  }
  const figures = new Map(INTERVENTION_KINDS.map((kind) => [kind, { kind, attempts: 0, reEngaged: 0, rate: null as number | null, pending: 0 }]));
  for (const own of byCandidate.values()) {
    own.sort((a, b) => a.at.getTime() - b.at.getTime());
    const replies = own.filter((e) => e.type === 'MessageReceived').map((e) => e.at.getTime());
    let atRisk = false;
    let tried = new Set<InterventionKind>();
    for (const e of own) {
      const signal = riskSignal(e);
      if (signal !== undefined) {
        if (signal && !atRisk) tried = new Set();
        atRisk = signal;
        continue;
      }
      if (e.type === 'MessageReceived') {
        atRisk = false;
        continue;
      }
      const kind = kindOf(e);
      if (!kind || !atRisk || tried.has(kind)) continue;
      tried.add(kind);
      const t = e.at.getTime();
      const f = figures.get(kind)!;
      if (replies.some((r) => r > t && r <= t + REENGAGE_WINDOW_MS)) {
        f.attempts++;
        f.reEngaged++;
      } else if (now.getTime() < t + REENGAGE_WINDOW_MS) f.pending++;
      else f.attempts++;
    }
  }
  return [...figures.values()].map((f) => ({ ...f, rate: f.attempts === 0 ? null : Math.round((f.reEngaged / f.attempts) * 1000) / 1000 }));
}
