export { atRiskText, describeFactors, factorLabel, type AtRiskFacts } from '../../core/risk/index.js';

/** At most `max` alerts in any `windowMs` (per external destination). */
export interface RateLimit {
  max: number;
  windowMs: number;
}

/**
 * Sliding-window rate limit over the send times of recent alerts.
 *
 * @example
 * admitAlert([t - 10_000], t, { max: 1, windowMs: 60_000 }) // { admitted: false, recent: [t - 10_000] }
 */
export function admitAlert(recent: readonly number[], now: number, limit: RateLimit): { admitted: boolean; recent: number[] } {
  const kept = recent.filter((t) => now - t < limit.windowMs);
  if (kept.length >= limit.max) return { admitted: false, recent: kept };
  return { admitted: true, recent: [...kept, now] };
}

export interface Alert {
  kind: 'at-risk' | 'needs-human';
  conversationId: string;
  candidateId: string;
  title: string;
  body: string;
}

export function needsHumanText(name: string | undefined, reason: string): { title: string; body: string } {
  return { title: `Needs a human: ${name ?? 'unnamed candidate'}`, body: `${reason}. Take over the conversation from the console.` };
}

/** One line for chat destinations (Slack, HR chats). */
export function alertLine(alert: Pick<Alert, 'title' | 'body'>, link: string | undefined): string {
  return `${alert.title}\n${alert.body}${link ? `\n${link}` : ''}`;
}
