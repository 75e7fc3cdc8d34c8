import type { Store } from '../../core/ports/index.js';
import type { Clock } from '../../core/ports/index.js';
import type { SyncResult } from '../contract.js';
import type { NotificationInbox } from '../notifications/inbox.js';
import type { Operator } from '../store/types.js';
import { ConversationViews } from '../views/conversation-views.js';

/** Events are stamped before their commit lands: look this far back so none slips between. */
const SLACK_MS = 2_000;
/** More changes than this since `since`: the client reloads everything instead. */
const MAX_EVENTS = 5_000;

/**
 * Catch-up after a reconnect: the list rows, messages and notifications that changed since a
 * time the client saw. Clients merge by id, so the overlap the slack causes is harmless.
 */
export class SyncService {
  constructor(private readonly deps: { store: Store; views: ConversationViews; inbox: NotificationInbox; clock: Clock }) {}

  async since(operator: Operator, since: string | undefined): Promise<SyncResult> {
    const serverTime = this.deps.clock.now().toISOString();
    const unreadNotifications = await this.deps.inbox.unread(operator);
    const sinceMs = since ? Date.parse(since) : NaN;
    if (Number.isNaN(sinceMs)) {
      const conversations = await this.deps.views.list('all', operator.id);
      return { serverTime, complete: true, conversations, messages: [], notifications: await this.deps.inbox.list(operator, { limit: 50 }), unreadNotifications };
    }
    const from = new Date(sinceMs - SLACK_MS);
    const events = await this.deps.store.listEvents({ after: from, limit: MAX_EVENTS + 1 });
    if (events.length > MAX_EVENTS) return { serverTime, complete: false, conversations: [], messages: [], notifications: [], unreadNotifications };
    const ids = new Set<string>();
    for (const e of events) {
      if (e.conversationId) ids.add(e.conversationId);
      else if (e.candidateId) (await this.deps.store.listConversations({ candidateId: e.candidateId, limit: 1 })).forEach((c) => ids.add(c.id));
    }
    const result: SyncResult = { serverTime, complete: true, conversations: [], messages: [], notifications: await this.deps.inbox.list(operator, { after: from }), unreadNotifications };
    for (const id of ids) {
      const conversation = await this.deps.store.getConversation(id);
      if (!conversation || !ConversationViews.listed(conversation)) continue;
      result.conversations.push(await this.deps.views.summary(conversation));
      result.messages.push(...(await this.deps.views.messages(id, { since: from })));
    }
    return result;
  }
}
