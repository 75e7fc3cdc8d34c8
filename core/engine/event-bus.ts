import type { DomainEvent } from '../domain/index.js';
import type { EventBus } from '../ports/index.js';
import type { Logger } from '../ports/logger.js';
import { silentLogger } from '../ports/logger.js';

/**
 * In-process fan-out. A throwing subscriber is reported and does not affect the others; a
 * subscriber's promise is tracked, so `idle()` is a deterministic "every reaction is done".
 */
export class InProcessEventBus implements EventBus {
  private readonly handlers = new Set<(event: DomainEvent) => unknown>();
  private readonly pending = new Set<Promise<void>>();
  /** `onError`: where a subscriber's error goes (the engine's `TurnErrorSink`); logged by default. */
  constructor(
    private readonly log: Logger = silentLogger,
    private readonly onError?: (err: unknown, detail: { what: string; conversationId?: string }) => void,
  ) {}

  publish(event: DomainEvent): void {
    for (const handler of this.handlers) {
      try {
        const result = handler(event);
        if (result instanceof Promise) this.track(result.then(() => undefined, (err: unknown) => this.fail(err, event)));
      } catch (err) {
        this.fail(err, event);
      }
    }
  }

  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  busy(): boolean {
    return this.pending.size > 0;
  }

  private track(p: Promise<void>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private fail(err: unknown, event: DomainEvent): void {
    if (this.onError) this.onError(err, { what: event.type, ...(event.conversationId ? { conversationId: event.conversationId } : {}) });
    else this.log.error({ err, eventType: event.type }, 'event subscriber failed');
  }

  subscribe(handler: (event: DomainEvent) => unknown): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }
}
