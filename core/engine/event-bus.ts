import type { DomainEvent } from '../domain/index.js';
import type { EventBus } from '../ports/index.js';
import type { Logger } from '../ports/logger.js';
import { silentLogger } from '../ports/logger.js';

/** Synchronous in-process fan-out. A throwing subscriber is logged and does not affect the others. */
export class InProcessEventBus implements EventBus {
  private readonly handlers = new Set<(event: DomainEvent) => void>();
  /** `onError`: where a subscriber's error goes (the engine's `TurnErrorSink`); logged by default. */
  constructor(
    private readonly log: Logger = silentLogger,
    private readonly onError?: (err: unknown, detail: { what: string; conversationId?: string }) => void,
  ) {}

  publish(event: DomainEvent): void {
    for (const handler of this.handlers) {
      try {
        handler(event);
      } catch (err) {
        if (this.onError) this.onError(err, { what: event.type, ...(event.conversationId ? { conversationId: event.conversationId } : {}) });
        else this.log.error({ err, eventType: event.type }, 'event subscriber failed');
      }
    }
  }

  subscribe(handler: (event: DomainEvent) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }
}
