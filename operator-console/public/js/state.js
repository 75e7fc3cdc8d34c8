// Client state and a tiny publish/subscribe. Views subscribe to topics and re-render their part.

export const state = {
  operator: null,
  /** conversation id -> ConversationSummary */
  conversations: new Map(),
  /** conversation id -> Map(message id -> ConsoleMessage) */
  messages: new Map(),
  /** the open conversation's ConversationDetail */
  detail: null,
  selectedId: null,
  filter: 'all',
  /** Team status shown: 'any' or one of open / pending / resolved / snoozed. */
  statusFilter: 'any',
  search: '',
  notifications: [],
  unreadNotifications: 0,
  canned: [],
  operators: new Map(),
  status: 'connecting',
  view: 'conversations',
  /** conversation id -> { name, until } */
  typing: new Map(),
};

const listeners = new Map();
const RECEIPT_RANK = { sent: 1, delivered: 2, read: 3 };

export function on(topic, fn) {
  if (!listeners.has(topic)) listeners.set(topic, new Set());
  listeners.get(topic).add(fn);
  return () => listeners.get(topic).delete(fn);
}

export function publish(topic, data) {
  for (const fn of listeners.get(topic) || []) {
    try {
      fn(data);
    } catch (err) {
      console.error('console view failed on', topic, err);
    }
  }
}

export function upsertConversation(summary) {
  state.conversations.set(summary.id, summary);
  publish('conversations');
  if (summary.id === state.selectedId) {
    if (state.detail) state.detail.summary = summary;
    publish('selected-summary', summary);
  }
}

export function upsertMessage(m) {
  if (!state.messages.has(m.conversationId)) state.messages.set(m.conversationId, new Map());
  const byId = state.messages.get(m.conversationId);
  const before = byId.get(m.id);
  // A late push must not roll a message back to an older status. A receipt moving the status on
  // always lands: its time is the provider's clock, which may run behind ours.
  if (before && before.updatedAt > m.updatedAt && !((RECEIPT_RANK[m.status] || 0) > (RECEIPT_RANK[before.status] || 0))) return;
  byId.set(m.id, m);
  if (m.conversationId === state.selectedId) publish('message', m);
}

export function addNotification(n) {
  if (state.notifications.some((x) => x.id === n.id)) return;
  state.notifications.unshift(n);
  state.notifications.length = Math.min(state.notifications.length, 200);
  if (!n.read) state.unreadNotifications += 1;
  publish('notifications');
}

export function canAct() {
  return state.operator && (state.operator.role === 'admin' || state.operator.role === 'recruiter');
}

/** Filters of the list (same rules as operator-console/views/urgency.ts). */
export function matchesFilter(s, filter) {
  const me = state.operator && state.operator.id;
  switch (filter) {
    case 'needs-human':
      return s.needsHuman;
    case 'at-risk':
      return Boolean(s.risk && s.risk.atRisk);
    case 'mine':
      return s.assignedOperatorId === me || s.assigneeId === me;
    case 'unassigned':
      return !s.assigneeId && !s.assignedOperatorId;
    default:
      return true;
  }
}

/** Most urgent first (the server computes `urgency`), then most recent activity. */
export function byUrgency(a, b) {
  return b.urgency - a.urgency || (b.lastActivityAt > a.lastActivityAt ? 1 : b.lastActivityAt < a.lastActivityAt ? -1 : 0);
}

/** The team status as it reads now: a snooze that has run out is open again (the server agrees). */
export function statusOf(s) {
  const status = s.status || 'open';
  if (status === 'snoozed' && (!s.snoozedUntil || Date.parse(s.snoozedUntil) <= Date.now())) return 'open';
  return status;
}

export function matchesStatus(s, statusFilter) {
  return !statusFilter || statusFilter === 'any' || statusOf(s) === statusFilter;
}
