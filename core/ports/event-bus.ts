import type { DomainEvent } from '../domain/index.js';

/** Live fan-out of recorded events (console, alerts). In-process, or Redis pub/sub when distributed. */
export interface EventBus {
  publish(event: DomainEvent): void;
  /** Returns an unsubscribe function. */
  subscribe(handler: (event: DomainEvent) => void): () => void;
}
