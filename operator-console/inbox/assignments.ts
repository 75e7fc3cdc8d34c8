import { NotFoundError, ValidationError } from '../../core/domain/index.js';
import type { AuditTrail } from '../audit.js';
import type { ConversationSummary, OperatorProfile } from '../contract.js';
import type { Broadcaster } from '../live/broadcaster.js';
import type { Notifier } from '../notifications/notifier.js';
import type { OperatorStore } from '../store/types.js';
import { requireActing } from '../takeover/permissions.js';
import type { ConversationViews } from '../views/conversation-views.js';

/** How a notification names the candidate of a conversation. */
export function candidateName(s: Pick<ConversationSummary, 'candidateName' | 'channel'>): string {
  return s.candidateName ?? `a candidate on ${s.channel}`;
}

/**
 * Who should handle a conversation (not who holds a takeover): set by recruiters and admins,
 * audited (`OperatorAction` `conversation-assigned`), pushed to every console, and the assignee
 * gets an "assigned to you" notification naming the candidate.
 *
 * @example
 * await assignments.assign(admin, conversationId, { operatorId: rita.id });
 */
export class Assignments {
  constructor(private readonly deps: { views: ConversationViews; operators: OperatorStore; audit: AuditTrail; broadcaster: Broadcaster; notifier: Notifier }) {}

  async assign(operator: OperatorProfile, conversationId: string, input: unknown): Promise<ConversationSummary> {
    requireActing(operator, 'assign conversations');
    const raw = (input ?? {}) as { operatorId?: unknown };
    if (raw.operatorId !== null && typeof raw.operatorId !== 'string') throw new ValidationError('operatorId must be an operator id, or null to unassign');
    const target = typeof raw.operatorId === 'string' ? await this.deps.operators.findById(raw.operatorId) : undefined;
    if (typeof raw.operatorId === 'string' && (!target || !target.active)) throw new ValidationError('operatorId must name an active operator');
    const changed = await this.deps.views.setAssignee(conversationId, target?.id);
    const summary = changed && (await this.deps.views.summaryById(conversationId));
    if (!changed || !summary) throw new NotFoundError('Conversation', conversationId);
    await this.deps.audit.record(operator.id, 'conversation-assigned', { assigneeId: target?.id ?? null, previousAssigneeId: changed.previous ?? null }, { conversationId, candidateId: summary.candidateId });
    this.deps.broadcaster.toAll('conversation:upsert', summary);
    if (target && target.id !== operator.id && target.id !== changed.previous) {
      const who = candidateName(summary);
      await this.deps.notifier.notify({
        kind: 'assigned',
        operatorId: target.id,
        conversationId,
        title: `Assigned to you: ${who}`,
        body: `${operator.name} assigned the conversation with ${who} to you.`,
        dedupe: false,
      });
    }
    return summary;
  }
}
