import type { ConversationFilter, ConversationSummary } from '../contract.js';

type UrgencyInput = Pick<ConversationSummary, 'needsHuman' | 'assignedOperatorId' | 'mode' | 'risk' | 'unread'>;
type FilterInput = Pick<ConversationSummary, 'needsHuman' | 'assignedOperatorId' | 'risk' | 'assigneeId'>;

/**
 * How urgently a conversation needs a recruiter: someone waiting for a human that nobody holds
 * first, then held ones still flagged, then at-risk candidates, then unread messages.
 *
 * @example
 * urgencyOf({ needsHuman: true, mode: 'bot', unread: 2 }) // 1052
 */
export function urgencyOf(s: UrgencyInput): number {
  let urgency = 0;
  if (s.needsHuman) urgency += s.assignedOperatorId ? 400 : 1000;
  else if (s.mode === 'human' && !s.assignedOperatorId) urgency += 1000;
  if (s.risk?.atRisk) urgency += 300;
  else if (s.risk?.level === 'medium') urgency += 100;
  if (s.unread > 0) urgency += 50 + Math.min(s.unread, 20);
  return urgency;
}

/** Most urgent first, then most recent activity. */
export function compareByUrgency(a: ConversationSummary, b: ConversationSummary): number {
  return b.urgency - a.urgency || b.lastActivityAt.localeCompare(a.lastActivityAt) || a.id.localeCompare(b.id);
}

/**
 * The list filters. `mine`: assigned to you, or you hold its takeover; `unassigned`: nobody is
 * assigned and nobody holds it; `at-risk`: the latest risk assessment is an alert or high.
 */
export function matchesFilter(s: FilterInput, filter: ConversationFilter, operatorId: string): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'needs-human':
      return s.needsHuman;
    case 'at-risk':
      return s.risk?.atRisk === true;
    case 'mine':
      return s.assignedOperatorId === operatorId || s.assigneeId === operatorId;
    case 'unassigned':
      return !s.assigneeId && !s.assignedOperatorId;
  }
}
