import type { DomainEvent, Message } from '../domain/index.js';

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

const handedOver = new WeakMap<DomainEvent, Message>();

/**
 * Hand the message row an event is about, as the write that recorded the event left it, to the
 * subscribers in this process that would otherwise read it back (the console feed). Not part of
 * the event: never stored, never sent to another node (a subscriber there reads the store).
 * Returns the event.
 */
export function handOverMessage<E extends DomainEvent>(event: E, message: Message): E {
  handedOver.set(event, message);
  return event;
}

/** The message row handed over with `event` in this process (`handOverMessage`), if any. */
export function handedOverMessage(event: DomainEvent): Message | undefined {
  return handedOver.get(event);
}
