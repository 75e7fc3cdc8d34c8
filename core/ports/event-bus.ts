import type { DomainEvent } from '../domain/index.js';

/** Live fan-out of recorded events (console, alerts). In-process, or Redis pub/sub when distributed. */
export interface EventBus {
  publish(event: DomainEvent): void;
  /**
   * Returns an unsubscribe function. A handler that returns a promise is waited for by `idle()`
   * (and its rejection goes to the error sink).
   */
  subscribe(handler: (event: DomainEvent) => unknown): () => void;
  /** Resolves once every handler's promise from events published so far has settled. */
  idle?(): Promise<void>;
  /** Handlers' promises still running. */
  busy?(): boolean;
}
