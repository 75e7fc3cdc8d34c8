import { NotFoundError, ValidationError } from '../../core/domain/index.js';
import type { Clock } from '../../core/ports/index.js';
import type { AuditTrail } from '../audit.js';
import type { ConversationStatus, ConversationSummary, OperatorProfile } from '../contract.js';
import type { Broadcaster } from '../live/broadcaster.js';
import { requireActing } from '../takeover/permissions.js';
import type { ConversationViews } from './conversation-views.js';

export const CONVERSATION_STATUSES: readonly ConversationStatus[] = ['open', 'pending', 'resolved', 'snoozed'];
/** The longest snooze (a year): anything further is a typo. */
const MAX_SNOOZE_MS = 366 * 24 * 3600 * 1000;

/**
 * The team status of conversations (open / pending / resolved / snoozed): set by acting
 * operators, audited (`OperatorAction` `conversation-status`), pushed live to every console.
 * A candidate's new message reopens (`ConversationViews.onInbound`); a snooze runs out by itself.
 */
export class ConversationStatuses {
  constructor(private readonly deps: { views: ConversationViews; audit: AuditTrail; broadcaster: Broadcaster; clock: Clock }) {}

  async set(operator: OperatorProfile, conversationId: string, input: unknown): Promise<ConversationSummary> {
    requireActing(operator, 'change a conversation\'s status');
    const body = (input ?? {}) as { status?: unknown; snoozedUntil?: unknown };
    const status = body.status as ConversationStatus;
    if (!CONVERSATION_STATUSES.includes(status)) throw new ValidationError(`status must be one of ${CONVERSATION_STATUSES.join(', ')}`);
    let until: Date | undefined;
    if (status === 'snoozed') {
      const now = this.deps.clock.now().getTime();
      until = typeof body.snoozedUntil === 'string' ? new Date(body.snoozedUntil) : new Date(NaN);
      if (Number.isNaN(until.getTime()) || until.getTime() <= now || until.getTime() - now > MAX_SNOOZE_MS) throw new ValidationError('snoozedUntil must be a date-time in the future (within a year)');
    }
    const marks = await this.deps.views.setStatus(conversationId, status, until);
    if (!marks) throw new NotFoundError('Conversation', conversationId);
    const summary = await this.deps.views.summaryById(conversationId);
    if (!summary) throw new NotFoundError('Conversation', conversationId);
    await this.deps.audit.record(operator.id, 'conversation-status', { status, ...(until ? { snoozedUntil: until.toISOString() } : {}) }, { conversationId, candidateId: summary.candidateId });
    this.deps.broadcaster.toAll('conversation:upsert', summary);
    return summary;
  }
}
