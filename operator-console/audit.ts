import { newId, type DomainEvent } from '../core/domain/index.js';
import type { Clock, EventBus, Store } from '../core/ports/index.js';

/**
 * Every operator action as an `OperatorAction` event (who, what, when), stored as part of the
 * audit trail and published live. Takeover and handback have their own event types.
 *
 * @example
 * await audit.record(operator.id, 'note-added', { noteId }, { conversationId });
 */
export class AuditTrail {
  constructor(private readonly deps: { store: Pick<Store, 'appendEvents'>; bus: EventBus; clock: Clock }) {}

  async record(operatorId: string, action: string, details: Record<string, unknown> = {}, where: { conversationId?: string; candidateId?: string } = {}): Promise<DomainEvent> {
    const event: DomainEvent = {
      id: newId('evt'),
      type: 'OperatorAction',
      at: this.deps.clock.now(),
      actor: `operator:${operatorId}`,
      operatorId,
      action,
      details,
      ...(where.conversationId ? { conversationId: where.conversationId } : {}),
      ...(where.candidateId ? { candidateId: where.candidateId } : {}),
    };
    await this.deps.store.appendEvents([event]);
    this.deps.bus.publish(event);
    return event;
  }
}
