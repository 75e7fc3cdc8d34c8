import { newId, type DomainEvent, type MessageStatus } from '../../../core/domain/index.js';
import type { EventBus, Logger, Store } from '../../../core/ports/index.js';
import type { StatusUpdate } from './provider.js';

const ORDER: Partial<Record<MessageStatus, number>> = { queued: 0, sending: 1, sent: 2, delivered: 3, read: 4 };

/**
 * Record a provider's delivery update on the outbound message. Statuses only move forward
 * (a late `delivered` after `read` is ignored); `failed` always lands, with the reason.
 */
export async function applyStatusUpdate(deps: { store: Store; bus: EventBus; log: Logger }, update: StatusUpdate): Promise<void> {
  const message = await deps.store.findMessageByProviderId('whatsapp', update.providerMessageId);
  if (!message || message.direction !== 'out') {
    deps.log.debug({ providerMessageId: update.providerMessageId }, 'whatsapp status for an unknown message: ignored');
    return;
  }
  const forward = update.status === 'failed' || (ORDER[update.status] ?? 0) > (ORDER[message.status] ?? -1);
  if (!forward || message.status === update.status) return;
  const event: DomainEvent =
    update.status === 'failed'
      ? { id: newId('evt'), type: 'MessageFailed', at: update.at, actor: 'system', conversationId: message.conversationId, messageId: message.id, channel: 'whatsapp', error: update.error ?? 'failed' }
      : { id: newId('evt'), type: 'MessageStatusChanged', at: update.at, actor: 'system', conversationId: message.conversationId, messageId: message.id, status: update.status };
  await deps.store.updateMessage(message.id, { status: update.status, ...(update.error ? { error: update.error } : {}) }, update.at, [event]);
  deps.bus.publish(event);
  if (update.status === 'failed') deps.log.warn({ messageId: message.id, error: update.error }, 'whatsapp message failed');
}
